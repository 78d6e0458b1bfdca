export * from './titan-http.module';
export * from './conventions/http-conventions';
export * from './conventions/media-type.guard';
export * from './errors/api-error';
export * from './errors/domain-error.mapper';
export * from './errors/api-error.filter';
export * from './health/health.controller';
export * from './openapi/openapi';

/** NestJS integration of @titan/verifier; needs `@nestjs/common` (a peer dependency). */
export * from './scopes.decorator';
export * from './titan-auth.guard';
export * from './titan-principal.decorator';
export * from './titan-auth.module';

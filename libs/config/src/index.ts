export * from './config';
export * from './config-summary';

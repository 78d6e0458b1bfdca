/**
 * @titan/verifier: offline verification of Titan access tokens for resource servers. The NestJS
 * guard lives in `@titan/verifier/nestjs`, so this entry point needs no framework.
 */
export * from './titan-verifier';
export * from './titan-verifier-error';

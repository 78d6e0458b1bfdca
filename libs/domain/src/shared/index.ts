export * from './result';
export * from './domain-error';
export * from './base64url';

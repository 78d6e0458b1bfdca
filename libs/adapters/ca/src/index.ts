/**
 * @titan/adapter-ca: the autonomous CA. Signing-key ring (keys encrypted at rest, JWKS, token
 * signing through the crypto lane) and the local token verifier for Titan's own endpoints.
 */
export * from './key-encryption';
export * from './key-encryption-key.loader';
export * from './signing-key.generator';
export * from './signing-key-ring';
export * from './titan-key-set';
export * from './local-token-verifier';
export * from './periodic-task';

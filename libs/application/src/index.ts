/**
 * @titan/application: Titan's use cases and the ports they need. Use cases are plain classes with
 * `execute(input)`; adapters implement the ports and the app shell wires them together.
 */
export * from './ports';
export * from './shared';
export * from './identity-reader/identity-reader';
export * from './register-identity/register-identity.use-case';
export * from './revoke-identity/revoke-identity.use-case';
export * from './add-identity-key/add-identity-key.use-case';
export * from './retire-identity-key/retire-identity-key.use-case';
export * from './get-identity/get-identity.use-case';
export * from './challenge/challenge.use-case';
export * from './mint-token/issue-access-token';
export * from './mint-token/mint-token.use-case';
export * from './get-jwks/get-jwks.use-case';
export * from './bootstrap-admin/bootstrap-admin.use-case';
export * from './authorize-bearer/authorize-bearer.use-case';
export * from './rotate-signing-keys/rotate-signing-keys.use-case';
export * from './revoke-signing-key/revoke-signing-key.use-case';
export * from './list-signing-keys/list-signing-keys.use-case';
export * from './oauth-token/oauth-endpoints';
export * from './oauth-token/oauth-token.use-case';
export * from './client-authentication/client-secret';
export * from './client-authentication/client-authenticator';
export * from './client-authentication/caller-authenticator';
export * from './dpop/dpop-nonces';
export * from './dpop/dpop-proof.verifier';
export * from './introspect-token/introspect-token.use-case';
export * from './revoke-token/revoke-token.use-case';
export * from './server-metadata/server-metadata.use-case';
export * from './list-audit/list-audit.use-case';
export * from './verify-audit/verify-audit.use-case';
export * from './proof-lockout/proof-lockout';
export * from './rate-limit/abuse-control';
export * from './challenge/decoy-challenges';
export * from './rotate-signing-keys/audit-key-transitions';

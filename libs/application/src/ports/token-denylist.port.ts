/**
 * Revoked access tokens, by `jti`, each kept until the token's own `exp` (after that the token is
 * dead anyway). Written only on revocation, read by introspection and Titan's own bearer checks;
 * shared by every instance in production. Revoked identities and retired keys need no entry: their
 * status comes from the identity record (IdentityReader).
 */
export interface TokenDenylist {
  /** Puts `jti` on the list for `ttlSeconds` (the token's remaining lifetime). Idempotent. */
  add(jti: string, ttlSeconds: number): Promise<void>;
  has(jti: string): Promise<boolean>;
}
export const TokenDenylist = Symbol('TokenDenylist');

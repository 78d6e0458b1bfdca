/** The public signing keys a resource server may see (JWKS, RFC 7517). */
export interface JwksSource {
  jwks(): Promise<{ keys: ReadonlyArray<Readonly<Record<string, string>>> }>;
  /** How long verifiers may cache the JWKS, derived from the rotation schedule. */
  cacheMaxAgeSeconds(): number;
}
export const JwksSource = Symbol('JwksSource');

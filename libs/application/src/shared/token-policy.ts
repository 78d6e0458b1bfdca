/** Issuer and lifetimes, from configuration (PRODUCT.md section 2). */
export interface TokenPolicy {
  /** Used verbatim in `iss`, metadata and the proof message; never ends in `/`. */
  readonly issuer: string;
  readonly challengeTtlSeconds: number;
  readonly serviceTokenTtlSeconds: number;
}
export const TokenPolicy = Symbol('TokenPolicy');

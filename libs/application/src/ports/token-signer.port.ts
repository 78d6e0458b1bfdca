import type { TokenClaim } from '@titan/domain';

/** Signs access tokens with the active signing key (JWS compact, `typ: at+jwt`, `kid` set). */
export interface TokenSigner {
  sign(claims: TokenClaim): Promise<string>;
}
export const TokenSigner = Symbol('TokenSigner');

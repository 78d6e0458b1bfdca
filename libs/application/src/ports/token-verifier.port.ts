import type { DomainError, Result, TokenClaim } from '@titan/domain';

/**
 * Verifies a Titan access token locally against Titan's own published keys: signature with the
 * key's fixed algorithm, `typ: at+jwt`, `iss`, `aud`, `exp`, `nbf`. Never trusts header-supplied keys.
 */
export interface TokenVerifier {
  verify(token: string, expectedAudience: string): Promise<Result<TokenClaim, DomainError>>;
  /**
   * The same checks except `aud` (any audience is accepted): for introspection and revocation,
   * which handle tokens minted for every resource server.
   */
  verifyAnyAudience(token: string): Promise<Result<TokenClaim, DomainError>>;
}
export const TokenVerifier = Symbol('TokenVerifier');

/**
 * `invalid_token`: the token must not be accepted (answer 401).
 * `invalid_dpop_proof`: the token came with the DPoP scheme and its proof is missing, invalid,
 * replayed or from another key than the one the token is bound to (answer 401, RFC 9449 section 7.1).
 * `jwks_unavailable`: the signing keys could not be fetched, so nothing can be verified (answer 503):
 * the token may well be good, and telling its holder otherwise would send them into a retry storm.
 */
export type TitanVerifierErrorCode = 'invalid_token' | 'invalid_dpop_proof' | 'jwks_unavailable';

/**
 * Why a token was refused. `message` is safe to return to the token's holder (as
 * `error_description`); `cause` may carry the underlying jose error for logs.
 */
export class TitanVerifierError extends Error {
  override readonly name = 'TitanVerifierError';

  constructor(
    readonly code: TitanVerifierErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

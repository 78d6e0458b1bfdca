/**
 * Every expected failure carries one of these stable codes. The HTTP adapter maps each code to a
 * status and a public error code; several internal codes collapse into one public code
 * (every proof failure answers `invalid_proof`).
 */
export type DomainErrorCode =
  | 'invalid_request'
  | 'invalid_public_key'
  | 'private_key_exposed'
  | 'reserved_identity_id'
  | 'identity_exists'
  | 'key_in_use'
  | 'identity_not_found'
  | 'key_not_found'
  | 'last_key'
  | 'identity_revoked'
  | 'invalid_scope'
  | 'invalid_target'
  | 'invalid_proof'
  | 'invalid_token'
  | 'insufficient_scope'
  // OAuth 2.0 (RFC 6749 section 5.2, RFC 9449): the OAuth endpoints answer these codes verbatim.
  | 'invalid_client'
  | 'invalid_grant'
  | 'unsupported_grant_type'
  | 'unauthorized_client'
  | 'invalid_dpop_proof'
  | 'use_dpop_nonce'
  // Too many requests (a rate limit, an outstanding-challenge cap, a proof lockout): 429 with Retry-After.
  | 'rate_limited';

export class DomainError {
  constructor(
    readonly code: DomainErrorCode,
    /** Safe to show to the caller. */
    readonly message: string,
    /** Exact reason for the audit log; never shown to the caller. */
    readonly reason?: string,
  ) {}
}

export const domainError = (code: DomainErrorCode, message: string, reason?: string): DomainError =>
  new DomainError(code, message, reason);

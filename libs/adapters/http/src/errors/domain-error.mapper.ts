import { RateLimitedError } from '@titan/application';
import type { DomainError, DomainErrorCode } from '@titan/domain';
import { ApiError, type ApiErrorCode } from './api-error';

const PUBLIC_CODE: Record<DomainErrorCode, ApiErrorCode> = {
  invalid_request: 'invalid_request',
  invalid_public_key: 'invalid_request',
  private_key_exposed: 'invalid_request',
  reserved_identity_id: 'invalid_request',
  identity_exists: 'conflict',
  key_in_use: 'conflict',
  identity_not_found: 'not_found',
  key_not_found: 'not_found',
  last_key: 'conflict',
  identity_revoked: 'conflict',
  invalid_scope: 'invalid_scope',
  invalid_target: 'invalid_target',
  invalid_proof: 'invalid_proof',
  invalid_token: 'invalid_token',
  insufficient_scope: 'insufficient_scope',
  invalid_client: 'invalid_client',
  invalid_grant: 'invalid_grant',
  unsupported_grant_type: 'unsupported_grant_type',
  unauthorized_client: 'unauthorized_client',
  invalid_dpop_proof: 'invalid_dpop_proof',
  use_dpop_nonce: 'use_dpop_nonce',
  rate_limited: 'rate_limited',
};

/** Every proof failure answers this exact body, whatever the internal reason. */
export const INVALID_PROOF_DESCRIPTION = 'the proof of possession was not accepted';
const INVALID_TOKEN_DESCRIPTION = 'the access token is not valid';

/** Maps a domain error to its public answer; credential failures collapse to one fixed description. */
export function toApiError(error: DomainError): ApiError {
  const code = PUBLIC_CODE[error.code];
  switch (code) {
    case 'invalid_proof':
      return new ApiError(code, INVALID_PROOF_DESCRIPTION);
    case 'invalid_token':
      return new ApiError(code, INVALID_TOKEN_DESCRIPTION, { 'WWW-Authenticate': 'Bearer error="invalid_token"' });
    case 'rate_limited':
      return rateLimitedApiError(error);
    case 'insufficient_scope':
      return new ApiError(code, error.message, { 'WWW-Authenticate': 'Bearer error="insufficient_scope"' });
    default:
      return new ApiError(code, error.message);
  }
}

/** `429 rate_limited` with `Retry-After` in whole seconds, rounded up (PRODUCT.md section 2a). */
export function rateLimitedApiError(error: DomainError, headers: Readonly<Record<string, string>> = {}): ApiError {
  const seconds = error instanceof RateLimitedError ? error.retryAfterSeconds : 1;
  return new ApiError('rate_limited', 'too many requests; retry after the number of seconds in Retry-After', { ...headers, 'Retry-After': String(seconds) });
}

/** Unwraps a use-case result for a controller: the value, or the mapped error thrown to the filter. */
export function unwrap<T>(result: { ok: true; value: T } | { ok: false; error: DomainError }): T {
  if (result.ok) return result.value;
  throw toApiError(result.error);
}

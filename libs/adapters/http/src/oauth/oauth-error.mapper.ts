import type { DpopProofVerifier } from '@titan/application';
import type { DomainError } from '@titan/domain';
import { ApiError } from '../errors/api-error';
import { toApiError } from '../errors/domain-error.mapper';

/** Token responses and their errors are never cached (RFC 6749 section 5.1). */
export const NO_STORE_HEADERS = { 'Cache-Control': 'no-store', Pragma: 'no-cache' } as const;

/** Every client-authentication failure answers this one body, whatever the reason (audited). */
export const INVALID_CLIENT_DESCRIPTION = 'client authentication failed';

/**
 * RFC 6749 section 5.2 answers for the OAuth endpoints: `invalid_client` is 401 with a Basic
 * challenge (RFC 6749 section 5.2 requires it when Basic was used; Titan sends it always, naming
 * the realm), `use_dpop_nonce` carries a fresh `DPoP-Nonce`; everything is `no-store`.
 */
export function toOAuthError(error: DomainError, dpop: DpopProofVerifier | undefined): ApiError {
  const headers: Record<string, string> = { ...NO_STORE_HEADERS };
  switch (error.code) {
    case 'invalid_client':
      return new ApiError('invalid_client', INVALID_CLIENT_DESCRIPTION, { ...headers, 'WWW-Authenticate': 'Basic realm="titan", charset="UTF-8"' });
    case 'use_dpop_nonce':
      if (dpop) headers['DPoP-Nonce'] = dpop.issueNonce();
      return new ApiError('use_dpop_nonce', error.message, headers);
    case 'invalid_dpop_proof':
      return new ApiError('invalid_dpop_proof', 'the DPoP proof is not valid', headers);
    default: {
      const mapped = toApiError(error);
      return new ApiError(mapped.code, mapped.description, { ...headers, ...mapped.headers });
    }
  }
}

/** Unwraps a use-case result on an OAuth endpoint, throwing the RFC 6749 answer. */
export function unwrapOAuth<T>(result: { ok: true; value: T } | { ok: false; error: DomainError }, dpop?: DpopProofVerifier): T {
  if (result.ok) return result.value;
  throw toOAuthError(result.error, dpop);
}

/**
 * Resource-side answers (Titan's own protected endpoints, bearer callers of introspection and
 * revocation): a bad or missing DPoP proof is `401 invalid_token` with a DPoP challenge
 * (RFC 9449 section 7.1); everything else as usual.
 */
export function toResourceError(error: DomainError): ApiError {
  if (error.code === 'invalid_dpop_proof') {
    return new ApiError('invalid_token', 'the DPoP proof is not valid', { 'WWW-Authenticate': 'DPoP algs="ES256", error="invalid_dpop_proof"' });
  }
  return toApiError(error);
}

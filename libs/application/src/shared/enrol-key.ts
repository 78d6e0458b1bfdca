import { parseEcPublicJwk, thumbprintInput, type DomainError, type IdentityKey, type Result, ok } from '@titan/domain';
import type { Digest } from '../ports/digest.port';

/** Validates a submitted public JWK and gives it its RFC 7638 thumbprint. */
export function enrolKey(input: unknown, digest: Digest, now: Date): Result<IdentityKey, DomainError> {
  const jwk = parseEcPublicJwk(input);
  if (!jwk.ok) return jwk;
  return ok({ thumbprint: digest.sha256Base64Url(thumbprintInput(jwk.value)), jwk: jwk.value, createdAt: now });
}

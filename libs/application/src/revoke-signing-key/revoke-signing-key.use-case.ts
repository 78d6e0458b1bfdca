import { domainError, err, ok, type DomainError, type Result } from '@titan/domain';
import type { AppliedKeyTransition, SigningKeyLifecycle } from '../ports/signing-key-lifecycle.port';
import type { RequestContext } from '../shared/request-context';

const MAX_REASON_LENGTH = 500;
/** Titan's kids are RFC 7638 thumbprints: SHA-256, unpadded base64url. */
const KID = /^[A-Za-z0-9_-]{43}$/;

/**
 * Emergency revocation of one of Titan's signing keys: it leaves the JWKS at once and Titan's own
 * verifier stops trusting it (other instances within one key refresh). If it was signing, its
 * successor (or a new key) signs at once, accepting that caches may not have that key yet.
 */
export class RevokeSigningKeyUseCase {
  constructor(private readonly keys: SigningKeyLifecycle) {}

  async execute(input: { kid: string; reason: string }, context: RequestContext = {}): Promise<Result<AppliedKeyTransition[], DomainError>> {
    if (input.reason.length === 0 || input.reason.length > MAX_REASON_LENGTH) {
      return err(domainError('invalid_request', `reason must be 1 to ${MAX_REASON_LENGTH} characters`));
    }
    if (!KID.test(input.kid)) return err(domainError('invalid_request', 'kid must be a key thumbprint (43 base64url characters)'));
    const transitions = await this.keys.revoke(input.kid, { why: `revoked: ${input.reason}`, context });
    if (!transitions) return err(domainError('key_not_found', `no published signing key "${input.kid}"`));
    return ok(transitions);
  }
}

import { decodeBase64UrlOfLength, domainError, err, ok, type DomainError, type Result } from '@titan/domain';
import type { AuditLog } from '../ports/audit-log.port';
import type { ChallengeStore } from '../ports/challenge-store.port';
import type { Clock } from '../ports/clock.port';
import type { CryptoLane } from '../ports/crypto-lane.port';
import type { IdentityReader } from '../identity-reader/identity-reader';
import type { RequestContext } from '../shared/request-context';
import type { TokenPolicy } from '../shared/token-policy';
import type { AccessTokenResponse, IssueAccessToken } from './issue-access-token';

export interface MintTokenInput {
  readonly identityId: string;
  readonly challengeId: string;
  /** base64url of the 64-byte P1363 signature over the proof message. */
  readonly signature: string;
}

const SIGNATURE_BYTES = 64;
const encoder = new TextEncoder();

/**
 * Step 2 of the handshake: consume the challenge (first attempt wins, success or failure), verify the
 * proof of possession against the identity's keys, mint. Every failure is the same `invalid_proof`
 * to the caller; the audit log gets the exact reason.
 */
export class MintTokenUseCase {
  constructor(
    private readonly reader: IdentityReader,
    private readonly challenges: ChallengeStore,
    private readonly crypto: CryptoLane,
    private readonly tokens: IssueAccessToken,
    private readonly clock: Clock,
    private readonly policy: TokenPolicy,
    private readonly audit: AuditLog,
  ) {}

  async execute(input: MintTokenInput, context: RequestContext = {}): Promise<Result<AccessTokenResponse, DomainError>> {
    // Malformed requests are refused before any challenge is touched.
    const signature = decodeBase64UrlOfLength(input.signature, SIGNATURE_BYTES, 'signature');
    if (!signature.ok) return signature;

    const failed = async (reason: string): Promise<Result<never, DomainError>> => {
      await this.audit.record({
        action: 'proof.failed', outcome: 'failure', actor: input.identityId, subject: input.identityId, reason,
        requestId: context.requestId ?? null, clientIp: context.clientIp ?? null,
      });
      return err(domainError('invalid_proof', 'the proof of possession was not accepted', reason));
    };

    const challenge = await this.challenges.take(input.challengeId);
    if (!challenge) return failed('challenge_unknown_or_used');
    if (!challenge.isFor(input.identityId)) return failed('challenge_of_another_identity');
    if (challenge.isExpired(this.clock.now())) return failed('challenge_expired');

    const identity = await this.reader.find(input.identityId);
    if (!identity) return failed('identity_unknown');
    if (!identity.isActive) return failed('identity_revoked');

    const message = encoder.encode(challenge.proofMessage(this.policy.issuer));
    let verified = false;
    for (const key of identity.keys) {
      if (await this.crypto.verify({ key, data: message, signature: signature.value })) {
        verified = true;
        break;
      }
    }
    if (!verified) return failed('bad_signature');

    // The grant was checked at challenge time; re-check in case allowed sets changed since.
    const grant = identity.resolveGrant(this.policy.issuer, challenge.audience, challenge.scopes);
    if (!grant.ok) return failed(`grant_no_longer_allowed: ${grant.error.code}`);
    return ok(await this.tokens.issue(identity.id, grant.value));
  }
}

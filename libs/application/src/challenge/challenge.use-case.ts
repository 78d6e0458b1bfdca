import {
  Challenge, NONCE_BYTES, Nonce, encodeBase64Url, err, ok, parseAudience, parseScopeString,
  type DomainError, type Result,
} from '@titan/domain';
import type { ChallengeStore } from '../ports/challenge-store.port';
import type { Clock } from '../ports/clock.port';
import type { Random } from '../ports/random.port';
import type { IdentityReader } from '../identity-reader/identity-reader';
import type { AbuseControl } from '../rate-limit/abuse-control';
import type { RequestContext } from '../shared/request-context';
import type { TokenPolicy } from '../shared/token-policy';

export interface ChallengeInput {
  readonly identityId: string;
  readonly audience?: string;
  /** OAuth-style space-separated scope string. */
  readonly scope?: string;
}

export interface ChallengeOutput {
  readonly challengeId: string;
  readonly nonce: string;
  readonly expiresAt: Date;
}

const CHALLENGE_ID_BYTES = 16;

/**
 * Step 1 of the handshake (PRODUCT.md section 4): a single-use nonce bound to identity, audience and
 * scope. An unknown or revoked identity gets a decoy that looks and costs the same but is never
 * stored, so the endpoint cannot be used to enumerate identities.
 */
export class ChallengeUseCase {
  constructor(
    private readonly reader: IdentityReader,
    private readonly challenges: ChallengeStore,
    private readonly random: Random,
    private readonly clock: Clock,
    private readonly policy: TokenPolicy,
    /** Outstanding-challenge cap per (identity, address); none when undefined. */
    private readonly abuse?: AbuseControl,
  ) {}

  async execute(input: ChallengeInput, context: RequestContext = {}): Promise<Result<ChallengeOutput, DomainError>> {
    const audience = input.audience === undefined ? undefined : parseAudience(input.audience);
    if (audience && !audience.ok) return audience;
    const scopes = input.scope === undefined ? undefined : parseScopeString(input.scope);
    if (scopes && !scopes.ok) return scopes;
    // Counted for the requested id before it is looked up: an unknown identity is capped like a real one.
    const capped = await this.abuse?.openChallenge(input.identityId, context);
    if (capped) return err(capped);

    const now = this.clock.now();
    const challengeId = encodeBase64Url(this.random.bytes(CHALLENGE_ID_BYTES));
    const nonce = Nonce.fromBytes(this.random.bytes(NONCE_BYTES));
    const expiresAt = new Date(now.getTime() + this.policy.challengeTtlSeconds * 1000);
    const output: ChallengeOutput = { challengeId, nonce: nonce.value, expiresAt };

    const identity = await this.reader.find(input.identityId);
    if (!identity || !identity.isActive) {
      // Same store round trip as a real challenge, storing nothing: equal timing, nothing to redeem.
      await this.challenges.take(challengeId);
      return ok(output);
    }
    const grant = identity.resolveGrant(this.policy.issuer, audience?.value, scopes?.value);
    if (!grant.ok) return grant;
    const challenge = Challenge.issue({
      id: challengeId, identityId: identity.id, nonce, audience: grant.value.audience, scopes: grant.value.scopes, expiresAt,
    });
    await this.challenges.save(challenge, this.policy.challengeTtlSeconds);
    return ok(output);
  }
}

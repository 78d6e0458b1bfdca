import {
  Challenge, NONCE_BYTES, Nonce, err, ok, parseAudience, parseScopeString,
  type DomainError, type Result,
} from '@titan/domain';
import type { ChallengeStore } from '../ports/challenge-store.port';
import type { Clock } from '../ports/clock.port';
import type { Random } from '../ports/random.port';
import type { IdentityReader } from '../identity-reader/identity-reader';
import type { AbuseControl, GuardedRun } from '../rate-limit/abuse-control';
import type { RateLimitedError } from '../ports/rate-limiter.port';
import type { RequestContext } from '../shared/request-context';
import type { TokenPolicy } from '../shared/token-policy';
import type { DecoyChallenges } from './decoy-challenges';

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


/**
 * Step 1 of the handshake (PRODUCT.md section 4): a single-use nonce bound to identity, audience and
 * scope. An unknown or revoked identity gets a decoy that looks and costs the same but is never
 * stored, so the endpoint cannot be used to enumerate identities.
 */
export class ChallengeUseCase {
  constructor(
    private readonly reader: IdentityReader,
    private readonly challenges: ChallengeStore,
    /** Recognisable decoy ids, so proofs against decoys count like proofs against real challenges. */
    private readonly decoys: DecoyChallenges,
    private readonly random: Random,
    private readonly clock: Clock,
    private readonly policy: TokenPolicy,
    /** The per-address limit and the outstanding-challenge cap per (identity, address); none when undefined. */
    private readonly abuse?: AbuseControl,
  ) {}

  async execute(input: ChallengeInput, context: RequestContext = {}): Promise<Result<ChallengeOutput, DomainError>> {
    const audience = input.audience === undefined ? undefined : parseAudience(input.audience);
    if (audience && !audience.ok) return audience;
    const scopes = input.scope === undefined ? undefined : parseScopeString(input.scope);
    if (scopes && !scopes.ok) return scopes;
    const now = this.clock.now();
    const expiresAt = new Date(now.getTime() + this.policy.challengeTtlSeconds * 1000);
    const nonce = Nonce.fromBytes(this.random.bytes(NONCE_BYTES));

    // Every request is counted for the requested id, real or not, so an unknown identity is capped
    // like a real one; the count and the challenge's store operation share one round trip.
    const identity = await this.reader.find(input.identityId);
    if (!identity || !identity.isActive) {
      const challengeId = this.decoys.decoyId(input.identityId, expiresAt);
      // Same store round trip as a real challenge, storing nothing: equal timing, nothing to redeem.
      const refused = await this.admit(input.identityId, context, (checks) => this.challenges.takeAdmitted(checks, challengeId));
      return refused ? err(refused) : ok({ challengeId, nonce: nonce.value, expiresAt });
    }
    const challengeId = this.decoys.realId(expiresAt);
    const grant = identity.resolveGrant(this.policy.issuer, audience?.value, scopes?.value);
    if (!grant.ok) {
      const refused = await this.admit(input.identityId, context);
      return refused ? err(refused) : grant;
    }
    const challenge = Challenge.issue({
      id: challengeId, identityId: identity.id, nonce, audience: grant.value.audience, scopes: grant.value.scopes, expiresAt,
    });
    const refused = await this.admit(input.identityId, context, (checks) => this.challenges.saveAdmitted(checks, challenge, this.policy.challengeTtlSeconds));
    if (refused) return err(refused);
    return ok({ challengeId, nonce: nonce.value, expiresAt });
  }

  /** The request's abuse checks, run by `store` with its challenge operation; the checks alone without one. */
  private async admit(identityId: string, context: RequestContext, store?: GuardedRun): Promise<RateLimitedError | null> {
    if (this.abuse) return this.abuse.admitChallenge(identityId, context, store);
    await store?.([]);
    return null;
  }
}

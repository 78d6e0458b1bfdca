import {
  saveAdmittedInTurn, takeAdmittedInTurn, type ChallengeStore, type GuardedResult, type GuardedTakeResult, type OnTaken,
  type RateLimitOperation,
} from '@titan/application';
import type { Challenge } from '@titan/domain';
import { ttlToMs } from '../shared/ttl';
import type { RedisClient } from '../redis/redis-connection';
import { storeCall } from '../redis/store-unavailable.error';
import type { RedisRateLimiterFactory } from '../rate-limit/rate-limiter.redis';
import { decodeChallenge, encodeChallenge } from './challenge-record.codec';

export interface RedisChallengeStoreOptions {
  /** Deployment-wide key prefix; keys are `{prefix}challenge:{id}`. Default `titan:`. */
  readonly prefix?: string;
  /**
   * The factory of the limiters the guarded forms check: with it (and not on a Cluster) a guarded
   * save or take and its checks are one script; without it, one command each.
   */
  readonly rateLimiters?: RedisRateLimiterFactory;
}

/**
 * Challenges in Redis, shared by every instance: a challenge issued by one is redeemable at any
 * other, once. `take` is one `GETDEL` (Redis >= 6.2), atomic across instances, and Redis expires
 * keys itself (`SET ... PX`). The guarded forms run the request's abuse checks and the challenge
 * operation in one script (ADR 0010). Does not own the connection: close that after the last use.
 * Failures throw StoreUnavailableError.
 */
export class RedisChallengeStore implements ChallengeStore {
  private readonly prefix: string;
  private readonly fused: RedisRateLimiterFactory | undefined;

  constructor(
    private readonly redis: RedisClient,
    options: RedisChallengeStoreOptions = {},
  ) {
    this.prefix = `${options.prefix ?? 'titan:'}challenge:`;
    this.fused = redis.isCluster ? undefined : options.rateLimiters;
  }

  async save(challenge: Challenge, ttlSeconds: number): Promise<void> {
    const ttlMs = ttlToMs(ttlSeconds);
    const value = encodeChallenge(challenge);
    await storeCall('challenge save', () => this.redis.set(this.prefix + challenge.id, value, 'PX', ttlMs));
  }

  async take(challengeId: string): Promise<Challenge | null> {
    const value = await storeCall('challenge take', () => this.redis.getdel(this.prefix + challengeId));
    return value === null ? null : decodeChallenge(challengeId, value);
  }

  async saveAdmitted(checks: readonly RateLimitOperation[], challenge: Challenge, ttlSeconds: number): Promise<GuardedResult> {
    if (!this.fused) return saveAdmittedInTurn(this, checks, challenge, ttlSeconds);
    const step = { kind: 'save', key: this.prefix + challenge.id, value: encodeChallenge(challenge), ttlMs: ttlToMs(ttlSeconds) } as const;
    const { checks: results, admitted } = await this.fused.runWith(checks, step);
    return { checks: results, admitted };
  }

  async takeAdmitted(checks: readonly RateLimitOperation[], challengeId: string, onTaken?: OnTaken): Promise<GuardedTakeResult> {
    if (!this.fused) return takeAdmittedInTurn(this, checks, challengeId, onTaken);
    const step = { kind: 'take', key: this.prefix + challengeId, identityId: onTaken?.identityId ?? '', followUps: onTaken?.checks ?? [] } as const;
    const outcome = await this.fused.runWith(checks, step);
    const challenge = outcome.taken ? decodeChallenge(challengeId, outcome.taken) : null;
    return { checks: outcome.checks, admitted: outcome.admitted, challenge, onTaken: outcome.followUps };
  }
}

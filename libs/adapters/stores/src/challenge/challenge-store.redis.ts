import type { ChallengeStore } from '@titan/application';
import type { Challenge } from '@titan/domain';
import { ttlToMs } from '../shared/ttl';
import type { RedisClient } from '../redis/redis-connection';
import { storeCall } from '../redis/store-unavailable.error';
import { decodeChallenge, encodeChallenge } from './challenge-record.codec';

export interface RedisChallengeStoreOptions {
  /** Deployment-wide key prefix; keys are `{prefix}challenge:{id}`. Default `titan:`. */
  readonly prefix?: string;
}

/**
 * Challenges in Redis, shared by every instance: a challenge issued by one is redeemable at any
 * other, once. `take` is one `GETDEL` (Redis >= 6.2), atomic across instances, and Redis expires
 * keys itself (`SET ... PX`). Does not own the connection: close that after the last use.
 * Failures throw StoreUnavailableError.
 */
export class RedisChallengeStore implements ChallengeStore {
  private readonly prefix: string;

  constructor(
    private readonly redis: RedisClient,
    options: RedisChallengeStoreOptions = {},
  ) {
    this.prefix = `${options.prefix ?? 'titan:'}challenge:`;
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
}

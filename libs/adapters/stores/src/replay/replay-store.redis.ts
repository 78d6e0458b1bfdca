import type { RedisClient } from '../redis/redis-connection';
import { storeCall } from '../redis/store-unavailable.error';
import { ttlToMs } from '../shared/ttl';
import type { ReplayStore } from '@titan/application';

export interface RedisReplayStoreOptions {
  /** Which cache this is (`jti`, `dpop-nonce`...); keys are `{prefix}replay:{namespace}:{key}`. */
  readonly namespace: string;
  /** Deployment-wide key prefix. Default `titan:`. */
  readonly prefix?: string;
}

/**
 * Single-use keys in Redis, shared by every instance: one `SET key 1 NX PX ttl` per call, atomic
 * across instances, expired by Redis itself. Does not own the connection. Failures throw
 * StoreUnavailableError, so a dead Redis refuses rather than accepts a possible replay.
 */
export class RedisReplayStore implements ReplayStore {
  private readonly prefix: string;

  constructor(
    private readonly redis: RedisClient,
    options: RedisReplayStoreOptions,
  ) {
    if (options.namespace === '') throw new RangeError('a replay store needs a namespace');
    this.prefix = `${options.prefix ?? 'titan:'}replay:${options.namespace}:`;
  }

  async markOnce(key: string, ttlSeconds: number): Promise<boolean> {
    const ttlMs = ttlToMs(ttlSeconds);
    const reply = await storeCall('replay mark', () => this.redis.set(this.prefix + key, '1', 'PX', ttlMs, 'NX'));
    return reply === 'OK';
  }
}

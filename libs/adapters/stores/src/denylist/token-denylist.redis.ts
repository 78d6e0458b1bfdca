import type { TokenDenylist } from '@titan/application';
import type { RedisClient } from '../redis/redis-connection';
import { storeCall } from '../redis/store-unavailable.error';
import { ttlToMs } from '../shared/ttl';

export interface RedisTokenDenylistOptions {
  /** Deployment-wide key prefix; keys are `{prefix}denylist:jti:{jti}`. Default `titan:`. */
  readonly prefix?: string;
}

/**
 * Revoked `jti`s in Redis, shared by every instance: `SET key 1 PX ttl` on revocation, one `EXISTS`
 * per check. Chosen over a pub/sub-fed local cache: one round trip (~0.1 ms on a LAN) keeps every
 * instance exact at once, with no window after a lost message; the database is never read.
 * Failures throw StoreUnavailableError: a dead Redis fails closed (503), it does not say "not revoked".
 */
export class RedisTokenDenylist implements TokenDenylist {
  private readonly prefix: string;

  constructor(
    private readonly redis: RedisClient,
    options: RedisTokenDenylistOptions = {},
  ) {
    this.prefix = `${options.prefix ?? 'titan:'}denylist:jti:`;
  }

  async add(jti: string, ttlSeconds: number): Promise<void> {
    const ttlMs = ttlToMs(ttlSeconds);
    await storeCall('denylist add', () => this.redis.set(this.prefix + jti, '1', 'PX', ttlMs));
  }

  async has(jti: string): Promise<boolean> {
    return (await storeCall('denylist check', () => this.redis.exists(this.prefix + jti))) === 1;
  }
}

import type { RateLimitSpec, RateLimiter, RateLimiterFactory } from '@titan/application';
import { RateLimiterRedis } from 'rate-limiter-flexible';
import type { RedisClient } from '../redis/redis-connection';
import { StoreUnavailableError } from '../redis/store-unavailable.error';
import { FlexibleRateLimiter, checkSpec } from './rate-limiter.flexible';

export interface RedisRateLimiterFactoryOptions {
  /** Deployment-wide key prefix; keys are `{prefix}rl:{limit name}:{key}`. Default `titan:`. */
  readonly prefix?: string;
}

/**
 * Rate limits in Redis, shared by every instance (rate-limiter-flexible's RateLimiterRedis): a
 * consume is one Lua script (`SET NX EX` + `INCRBY` + `PTTL`), atomic across instances, and Redis
 * expires the keys. A limit built with `localBlock` remembers a refused key in process memory until
 * its window ends, so a flood on one key costs Redis nothing.
 *
 * Fails closed: when Redis is not connected (`rejectIfRedisNotReady`, no wait) or a command fails,
 * every method throws StoreUnavailableError (503); there is no in-memory "insurance" limiter, which
 * would let each instance grant a full budget of its own while Redis is away.
 */
export class RedisRateLimiterFactory implements RateLimiterFactory {
  private readonly prefix: string;

  constructor(
    private readonly redis: RedisClient,
    options: RedisRateLimiterFactoryOptions = {},
  ) {
    this.prefix = `${options.prefix ?? 'titan:'}rl:`;
  }

  create(spec: RateLimitSpec): RateLimiter {
    checkSpec(spec);
    const inner = new RateLimiterRedis({
      storeClient: this.redis,
      keyPrefix: `${this.prefix}${spec.name}`,
      points: spec.limit,
      duration: spec.windowSeconds,
      rejectIfRedisNotReady: true,
      ...(spec.localBlock && spec.limit < Number.MAX_SAFE_INTEGER ? { inMemoryBlockOnConsumed: spec.limit + 1 } : {}),
    });
    return new FlexibleRateLimiter(spec.name, spec.limit, inner, (operation, cause) => new StoreUnavailableError(operation, cause));
  }
}

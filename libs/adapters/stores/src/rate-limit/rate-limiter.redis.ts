import type { RateLimitSpec, RateLimitState, RateLimiter, RateLimiterFactory } from '@titan/application';
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
    return new RedisRateLimiter(spec.name, spec.limit, inner, this.redis);
  }
}

/** Reads a counter and its remaining lifetime in one command (atomic, so no expiry slips in between). */
const PEEK_SCRIPT = "return {redis.call('GET', KEYS[1]), redis.call('PTTL', KEYS[1])}";
const PEEK_COMMAND = 'titanRateLimitPeek';

type PeekingClient = RedisClient & { [PEEK_COMMAND](key: string): Promise<[string | null, number]> };

/**
 * rate-limiter-flexible reads a key with `MULTI GET PTTL EXEC`, a transaction that bypasses ioredis'
 * auto-pipelining and costs its own socket write: with the lockout reading two keys per proof, that was
 * ~9% of a production handshake's CPU. One `EVALSHA` joins the pipelined write of its event-loop turn.
 */
class RedisRateLimiter extends FlexibleRateLimiter {
  private readonly client: PeekingClient;

  constructor(name: string, limit: number, private readonly redisLimiter: RateLimiterRedis, redis: RedisClient) {
    super(name, limit, redisLimiter, (operation, cause) => new StoreUnavailableError(operation, cause));
    if (!(PEEK_COMMAND in redis)) {
      redis.defineCommand(PEEK_COMMAND, { numberOfKeys: 1, lua: PEEK_SCRIPT });
    }
    this.client = redis as unknown as PeekingClient;
  }

  override async peek(key: string): Promise<RateLimitState | null> {
    // Like the library: no waiting in the offline queue while Redis is away, fail closed at once.
    if (this.client.status !== 'ready') throw new StoreUnavailableError(`rate limit ${this.name} peek`, new Error('Redis connection is not ready'));
    let reply: [string | null, number];
    try {
      reply = await this.client[PEEK_COMMAND](this.redisLimiter.getKey(key));
    } catch (error) {
      throw new StoreUnavailableError(`rate limit ${this.name} peek`, error);
    }
    const [consumed, msBeforeReset] = reply;
    // Same reading as the library's: PTTL -1 (no expiry) is live; 0 or less otherwise is expired.
    if (consumed === null || (msBeforeReset <= 0 && msBeforeReset !== -1)) return null;
    return { consumed: Number.parseInt(consumed, 10), msBeforeReset: Math.max(msBeforeReset, 0) };
  }
}

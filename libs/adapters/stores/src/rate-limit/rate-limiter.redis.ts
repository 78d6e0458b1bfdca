import {
  runRateLimitOperationsInTurn, type RateLimitDecision, type RateLimitOperation, type RateLimitOperationResult, type RateLimitSpec,
  type RateLimitState, type RateLimiter, type RateLimiterFactory,
} from '@titan/application';
import { RateLimiterRedis } from 'rate-limiter-flexible';
import type { RedisClient } from '../redis/redis-connection';
import { StoreUnavailableError } from '../redis/store-unavailable.error';
import { FlexibleRateLimiter, checkSpec } from './rate-limiter.flexible';

export interface RedisRateLimiterFactoryOptions {
  /** Deployment-wide key prefix; keys are `{prefix}rl:{limit name}:{key}`. Default `titan:`. */
  readonly prefix?: string;
}

/**
 * Rate limits in Redis, shared by every instance: fixed windows under rate-limiter-flexible's key
 * layout and counting (`SET NX EX` + `INCRBY` + `PTTL`, atomic across instances; Redis expires the
 * keys). Refunds, blocks and resets go through its RateLimiterRedis. Consumes and peeks, the hot
 * ones, go through one script of ours that also runs a whole batch of them (`run`): the checks of
 * one request in one command (ADR 0008). A limit built with `localBlock` remembers a refused key in
 * process memory until its window ends, so a flood on one key costs Redis nothing.
 *
 * Fails closed: when Redis is not connected (`rejectIfRedisNotReady`, no wait) or a command fails,
 * every method throws StoreUnavailableError (503); there is no in-memory "insurance" limiter, which
 * would let each instance grant a full budget of its own while Redis is away.
 */
export class RedisRateLimiterFactory implements RateLimiterFactory {
  private readonly prefix: string;
  private readonly limiters = new WeakSet<RedisRateLimiter>();

  constructor(
    private readonly redis: RedisClient,
    options: RedisRateLimiterFactoryOptions = {},
  ) {
    this.prefix = `${options.prefix ?? 'titan:'}rl:`;
    if (!(BATCH_COMMAND in redis)) redis.defineCommand(BATCH_COMMAND, { lua: BATCH_SCRIPT });
  }

  async run(operations: readonly RateLimitOperation[]): Promise<RateLimitOperationResult[]> {
    const own = operations.map(({ limiter }) => {
      if (!(limiter instanceof RedisRateLimiter) || !this.limiters.has(limiter)) throw new TypeError(`${limiter.name} is not a limiter of this factory`);
      return limiter;
    });
    // A Cluster keeps the keys of one batch in different slots: there, one command per operation
    // (the limiters then consume and peek through rate-limiter-flexible, never through `run`).
    if (this.redis.isCluster) return runRateLimitOperationsInTurn(operations);
    // A consume refused from memory ends the batch where it stands: what comes before it still runs.
    let upTo = operations.length;
    let blocked: RateLimitDecision | undefined;
    for (let i = 0; i < operations.length; i++) {
      const ms = operations[i]!.action === 'consume' ? own[i]!.locallyBlockedMs(operations[i]!.key) : 0;
      if (ms > 0) {
        upTo = i;
        blocked = { allowed: false, consumed: 0, msBeforeReset: ms };
        break;
      }
    }
    const results = upTo === 0 ? [] : await this.runScript(operations.slice(0, upTo), own);
    if (blocked && results.length === upTo) results.push(blocked);
    return results;
  }

  create(spec: RateLimitSpec): RateLimiter {
    checkSpec(spec);
    const inner = new RateLimiterRedis({
      storeClient: this.redis,
      keyPrefix: `${this.prefix}${spec.name}`,
      points: spec.limit,
      duration: spec.windowSeconds,
      rejectIfRedisNotReady: true,
      // On a Cluster, rate-limiter-flexible's own consume keeps the local block.
      ...(this.redis.isCluster && spec.localBlock && spec.limit < Number.MAX_SAFE_INTEGER ? { inMemoryBlockOnConsumed: spec.limit + 1 } : {}),
    });
    const limiter = new RedisRateLimiter(spec, inner, this.redis.isCluster ? undefined : (operations) => this.run(operations));
    this.limiters.add(limiter);
    return limiter;
  }

  private async runScript(operations: readonly RateLimitOperation[], limiters: readonly RedisRateLimiter[]): Promise<RateLimitOperationResult[]> {
    // Like rate-limiter-flexible: no waiting in the offline queue while Redis is away, fail closed at once.
    if (this.redis.status !== 'ready') throw new StoreUnavailableError('rate limits', new Error('Redis connection is not ready'));
    const keys: string[] = [];
    const args: string[] = [];
    operations.forEach(({ key, action }, i) => {
      keys.push(limiters[i]!.storeKey(key));
      args.push(ACTION_CODES[action], String(limiters[i]!.windowSeconds), String(limiters[i]!.limit));
    });
    let replies: Array<[number, number]>;
    try {
      replies = await (this.redis as unknown as BatchClient)[BATCH_COMMAND](keys.length, ...keys, ...args);
    } catch (error) {
      throw new StoreUnavailableError('rate limits', error);
    }
    return replies.map(([consumed, msBeforeReset], i) => {
      const { action } = operations[i]!;
      const limiter = limiters[i]!;
      if (action === 'consume') {
        const allowed = consumed <= limiter.limit;
        if (!allowed) limiter.blockLocally(operations[i]!.key, msBeforeReset);
        return { allowed, consumed, msBeforeReset: Math.max(msBeforeReset, 0) };
      }
      // Same reading as rate-limiter-flexible's: PTTL -1 (no expiry) is live; 0 or less otherwise is gone.
      if (action === 'peek' && (msBeforeReset > 0 || msBeforeReset === -1)) {
        return { allowed: consumed <= limiter.limit, consumed, msBeforeReset: Math.max(msBeforeReset, 0) };
      }
      return null;
    });
  }
}

/**
 * Runs a batch of operations on rate-limiter-flexible's keys, in order, stopping after the first
 * refused consume. KEYS[i]: the counter of operation i; ARGV[3i-2]: c(onsume), r(efund), p(eek) or
 * d(elete); ARGV[3i-1]: the window in seconds; ARGV[3i]: the limit. Consume and refund are exactly
 * rate-limiter-flexible's counting script, with 1 and -1 unit. Replies {consumed, PTTL} per operation
 * run ({0, -2} for a missing key).
 */
const BATCH_SCRIPT = `
local out = {}
for i = 1, #KEYS do
  local key, action = KEYS[i], ARGV[3 * i - 2]
  if action == 'c' or action == 'r' then
    local window = ARGV[3 * i - 1]
    redis.call('set', key, 0, 'EX', window, 'NX')
    local consumed = redis.call('incrby', key, action == 'c' and 1 or -1)
    local ttl = redis.call('pttl', key)
    if ttl == -1 then
      redis.call('expire', key, window)
      ttl = 1000 * window
    end
    out[i] = {consumed, ttl}
    if action == 'c' and consumed > tonumber(ARGV[3 * i]) then return out end
  elseif action == 'p' then
    local consumed = redis.call('get', key)
    if consumed then out[i] = {tonumber(consumed), redis.call('pttl', key)} else out[i] = {0, -2} end
  else
    redis.call('del', key)
    out[i] = {0, -2}
  end
end
return out
`;
const BATCH_COMMAND = 'titanRateLimitBatch';
const ACTION_CODES: Readonly<Record<RateLimitOperation['action'], string>> = { consume: 'c', refund: 'r', peek: 'p', reset: 'd' };

type BatchClient = Record<typeof BATCH_COMMAND, (numberOfKeys: number, ...keysThenArgs: string[]) => Promise<Array<[number, number]>>>;

/** Refused keys of a `localBlock` limit remembered per process; a flood of distinct keys only empties it. */
const MAX_LOCAL_BLOCKS = 10_000;

/** One limit: single consumes and peeks are batches of one (not on a Cluster); the rest is rate-limiter-flexible's. */
class RedisRateLimiter extends FlexibleRateLimiter {
  readonly windowSeconds: number;
  private readonly localBlock: boolean;
  private readonly blockedUntil = new Map<string, number>();

  constructor(
    spec: RateLimitSpec,
    private readonly redisLimiter: RateLimiterRedis,
    /** The factory's script runner; undefined on a Cluster. */
    private readonly batch: ((operations: readonly RateLimitOperation[]) => Promise<RateLimitOperationResult[]>) | undefined,
  ) {
    super(spec.name, spec.limit, redisLimiter, (operation, cause) => new StoreUnavailableError(operation, cause));
    this.windowSeconds = spec.windowSeconds;
    this.localBlock = spec.localBlock === true && spec.limit < Number.MAX_SAFE_INTEGER;
  }

  storeKey(key: string): string {
    return this.redisLimiter.getKey(key);
  }

  override async consume(key: string, units = 1): Promise<RateLimitDecision> {
    if (units !== 1 || !this.batch) return super.consume(key, units);
    const [decision] = await this.batch([{ limiter: this, key, action: 'consume' }]);
    return decision!;
  }

  override async peek(key: string): Promise<RateLimitState | null> {
    if (!this.batch) return super.peek(key);
    const [state] = await this.batch([{ limiter: this, key, action: 'peek' }]);
    return state ? { consumed: state.consumed, msBeforeReset: state.msBeforeReset } : null;
  }

  locallyBlockedMs(key: string): number {
    const until = this.blockedUntil.get(key);
    if (until === undefined) return 0;
    const ms = until - Date.now();
    if (ms <= 0) this.blockedUntil.delete(key);
    return Math.max(ms, 0);
  }

  blockLocally(key: string, ms: number): void {
    if (!this.localBlock || ms <= 0) return;
    if (this.blockedUntil.size >= MAX_LOCAL_BLOCKS) {
      const now = Date.now();
      for (const [k, until] of this.blockedUntil) if (until <= now) this.blockedUntil.delete(k);
      if (this.blockedUntil.size >= MAX_LOCAL_BLOCKS) this.blockedUntil.clear();
    }
    this.blockedUntil.set(key, Date.now() + ms);
  }
}


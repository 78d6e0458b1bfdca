import {
  batchRefused, runRateLimitOperationsInTurn, type RateLimitDecision, type RateLimitOperation, type RateLimitOperationResult, type RateLimitSpec,
  type RateLimitState, type RateLimiter, type RateLimiterFactory,
} from '@titan/application';
import { createHash } from 'node:crypto';
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
  }

  async run(operations: readonly RateLimitOperation[]): Promise<RateLimitOperationResult[]> {
    // A Cluster keeps the keys of one batch in different slots: there, one command per operation
    // (the limiters then consume and peek through rate-limiter-flexible, never through `run`).
    if (this.redis.isCluster) return runRateLimitOperationsInTurn(operations);
    return (await this.runWith(operations)).checks;
  }

  /**
   * `run`, then (when nothing was refused) a challenge operation, in the same script: the fused
   * handshake steps of RedisChallengeStore. Not on a Cluster (the keys would span slots).
   */
  async runWith(operations: readonly RateLimitOperation[], step?: ChallengeStep): Promise<ScriptOutcome> {
    const own = this.own(operations);
    // A consume refused from memory ends the batch where it stands: what comes before it still runs.
    const upTo = operations.findIndex((op, i) => op.action === 'consume' && own[i]!.locallyBlockedMs(op.key) > 0);
    if (upTo < 0) return this.runScript(operations, own, step);
    const before = upTo === 0 ? [] : (await this.runScript(operations.slice(0, upTo), own, undefined)).checks;
    if (before.length < upTo) return { checks: before, admitted: false, followUps: [] };
    const msBeforeReset = own[upTo]!.locallyBlockedMs(operations[upTo]!.key);
    return { checks: [...before, { allowed: false, consumed: 0, msBeforeReset }], admitted: false, followUps: [] };
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

  private own(operations: readonly RateLimitOperation[]): RedisRateLimiter[] {
    return operations.map(({ limiter }) => {
      if (!(limiter instanceof RedisRateLimiter) || !this.limiters.has(limiter)) throw new TypeError(`${limiter.name} is not a limiter of this factory`);
      return limiter;
    });
  }

  private async runScript(operations: readonly RateLimitOperation[], limiters: readonly RedisRateLimiter[], step: ChallengeStep | undefined): Promise<ScriptOutcome> {
    // Like rate-limiter-flexible: no waiting in the offline queue while Redis is away, fail closed at once.
    if (this.redis.status !== 'ready') throw new StoreUnavailableError('rate limits', new Error('Redis connection is not ready'));
    const followUps = step?.kind === 'take' ? step.followUps : [];
    const followUpLimiters = this.own(followUps);
    const keys: string[] = [];
    const args: string[] = [String(operations.length), ...stepArgs(step)];
    const add = (op: RateLimitOperation, limiter: RedisRateLimiter): void => {
      keys.push(limiter.storeKey(op.key));
      args.push(ACTION_CODES[op.action], String(limiter.windowSeconds), String(limiter.limit));
    };
    operations.forEach((op, i) => add(op, limiters[i]!));
    if (step) {
      keys.push(step.key);
      followUps.forEach((op, i) => add(op, followUpLimiters[i]!));
    }
    let reply: BatchReply;
    try {
      reply = await this.evalBatch([BATCH_SHA, keys.length, ...keys, ...args]);
    } catch (error) {
      throw new StoreUnavailableError(step ? `challenge ${step.kind}` : 'rate limits', error);
    }
    // Flat reply: [checks run, their (consumed, PTTL) pairs, then with a step: its marker, a take's record, follow-up pairs].
    const ran = reply[0] as number;
    const checks = this.decode(operations, limiters, reply, 1, ran);
    let at = 1 + 2 * ran;
    if (!step) return { checks, admitted: !batchRefused(operations, checks), followUps: [] };
    if (at >= reply.length) return { checks, admitted: false, followUps: [] };
    if (step.kind === 'save') return { checks, admitted: true, followUps: [] };
    const taken = reply[at++] === 1 ? (reply[at++] as string) : null;
    return { checks, admitted: true, taken, followUps: this.decode(followUps, followUpLimiters, reply, at, (reply.length - at) / 2) };
  }

  /** EVALSHA of the batch script; EVAL when the server does not hold it (a restart, a failover, SCRIPT FLUSH). */
  private async evalBatch(params: Array<string | number>): Promise<BatchReply> {
    try {
      return (await this.redis.call('evalsha', params)) as BatchReply;
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
      params[0] = BATCH_SCRIPT;
      return (await this.redis.call('eval', params)) as BatchReply;
    }
  }

  /** `count` (consumed, PTTL) pairs of `reply` from index `from`, one per operation. */
  private decode(
    operations: readonly RateLimitOperation[], limiters: readonly RedisRateLimiter[], reply: BatchReply, from: number, count: number,
  ): RateLimitOperationResult[] {
    return Array.from({ length: count }, (_, i) => {
      const consumed = reply[from + 2 * i] as number;
      const msBeforeReset = reply[from + 2 * i + 1] as number;
      const { action, key } = operations[i]!;
      const limiter = limiters[i]!;
      if (action === 'consume') {
        const allowed = consumed <= limiter.limit;
        if (!allowed) limiter.blockLocally(key, msBeforeReset);
        return { allowed, consumed, msBeforeReset: Math.max(msBeforeReset, 0) };
      }
      // Same reading as rate-limiter-flexible's: PTTL -1 (no expiry) is live; 0 or less otherwise is gone.
      if ((action === 'peek' || action === 'check') && (msBeforeReset > 0 || msBeforeReset === -1)) {
        return { allowed: consumed <= limiter.limit, consumed, msBeforeReset: Math.max(msBeforeReset, 0) };
      }
      return null;
    });
  }
}

/** ARGV[2..4] of the batch script: the step and its two arguments (see BATCH_SCRIPT). */
function stepArgs(step: ChallengeStep | undefined): [string, string, string] {
  if (!step) return ['', '', ''];
  return step.kind === 'save' ? ['s', step.value, String(step.ttlMs)] : ['t', step.identityId, ''];
}

/** A challenge operation to run after a batch's checks, in the same script (`runWith`). */
export type ChallengeStep =
  | { readonly kind: 'save'; readonly key: string; readonly value: string; readonly ttlMs: number }
  /** `followUps` run only when the record taken was issued to `identityId` (its `i` field). */
  | { readonly kind: 'take'; readonly key: string; readonly identityId: string; readonly followUps: readonly RateLimitOperation[] };

export interface ScriptOutcome {
  readonly checks: RateLimitOperationResult[];
  /** The step ran (for a batch alone: nothing was refused). */
  readonly admitted: boolean;
  /** A take's record; null when there was none. Absent when the take did not run. */
  readonly taken?: string | null;
  readonly followUps: RateLimitOperationResult[];
}

/**
 * Runs a batch of operations on rate-limiter-flexible's keys, in order, stopping after the first
 * refusal (a consume over its limit, or a check of a key over it); then, when nothing refused, an
 * optional challenge step. Consume and refund are exactly rate-limiter-flexible's counting script,
 * with 1 and -1 unit.
 *
 * KEYS: the counters of the batch (ARGV[1] of them), then with a step the challenge key, then the
 * counters of the take's follow-ups. ARGV[2]: the step: '' none, 's' save (ARGV[3] the record,
 * ARGV[4] its PX), 't' take (ARGV[3] the identity id the follow-ups need). ARGV[4 + 3j - 2 ..]: the
 * action (c(onsume), r(efund), p(eek), k (check), d(elete)), window in seconds and limit of
 * operation j, the follow-ups after the batch. The reply is one flat array (fewer allocations in the
 * client than nested ones): the number of batch operations run, their consumed and PTTL values
 * ({0, -2} for a missing key), then, when the step ran, 1 (saved or taken) or 0 (nothing to take),
 * a taken record, and the follow-ups' pairs, run only when the record's `i` is the identity id.
 */
const BATCH_SCRIPT = `
local out = {0}
local function batch(firstKey, lastKey, firstOp)
  for i = firstKey, lastKey do
    local at = 4 + 3 * (firstOp + i - firstKey) - 3
    local key, action, window, limit = KEYS[i], ARGV[at + 1], ARGV[at + 2], tonumber(ARGV[at + 3])
    if action == 'c' or action == 'r' then
      redis.call('set', key, 0, 'EX', window, 'NX')
      local consumed = redis.call('incrby', key, action == 'c' and 1 or -1)
      local ttl = redis.call('pttl', key)
      if ttl == -1 then
        redis.call('expire', key, window)
        ttl = 1000 * window
      end
      out[#out + 1] = consumed
      out[#out + 1] = ttl
      if action == 'c' and consumed > limit then return false end
    elseif action == 'p' or action == 'k' then
      local consumed = redis.call('get', key)
      if consumed then
        local ttl = redis.call('pttl', key)
        out[#out + 1] = tonumber(consumed)
        out[#out + 1] = ttl
        if action == 'k' and tonumber(consumed) > limit and (ttl > 0 or ttl == -1) then return false end
      else
        out[#out + 1] = 0
        out[#out + 1] = -2
      end
    else
      redis.call('del', key)
      out[#out + 1] = 0
      out[#out + 1] = -2
    end
  end
  return true
end

local count = tonumber(ARGV[1])
local admitted = batch(1, count, 1)
out[1] = (#out - 1) / 2
if not admitted or ARGV[2] == '' then return out end
local challenge = KEYS[count + 1]
if ARGV[2] == 's' then
  redis.call('set', challenge, ARGV[3], 'PX', ARGV[4])
  out[#out + 1] = 1
  return out
end
local record = redis.call('getdel', challenge)
if not record then
  out[#out + 1] = 0
  return out
end
out[#out + 1] = 1
out[#out + 1] = record
local decoded, fields = pcall(cjson.decode, record)
if decoded and type(fields) == 'table' and fields['i'] == ARGV[3] then batch(count + 2, #KEYS, count + 1) end
return out
`;
const BATCH_SHA = createHash('sha1').update(BATCH_SCRIPT).digest('hex');
const ACTION_CODES: Readonly<Record<RateLimitOperation['action'], string>> = { consume: 'c', refund: 'r', peek: 'p', check: 'k', reset: 'd' };

/** The batch script's flat reply: counts, (consumed, PTTL) pairs, step marker and a taken record. */
type BatchReply = Array<number | string>;

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


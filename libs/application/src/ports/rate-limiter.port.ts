import { DomainError } from '@titan/domain';

/** What a limiter answered for one key. */
export interface RateLimitDecision {
  /** False when the key's budget for the current window is spent. */
  readonly allowed: boolean;
  /** Units used in the current window, this call included (a refused call counts too). */
  readonly consumed: number;
  /** Milliseconds until the window resets: how long a refused caller must wait. */
  readonly msBeforeReset: number;
}

/** A key's state, read without changing it. */
export interface RateLimitState {
  readonly consumed: number;
  readonly msBeforeReset: number;
}

/**
 * A fixed-window counter per key, shared by every instance in production (Redis) or kept in process
 * memory (embedded mode). Keys are the caller's business (an IP, `identity|ip`...); the adapter puts
 * them under its own namespace. Every method throws DependencyUnavailableError when the store cannot
 * answer: callers fail closed (503), never open.
 */
export interface RateLimiter {
  /** The limit's name, e.g. `challenge_per_ip`: metrics label and audit reason. */
  readonly name: string;
  /** Units allowed per window. */
  readonly limit: number;
  /** Takes `units` (default 1) from the key's budget for the current window; the window starts at the key's first use. */
  consume(key: string, units?: number): Promise<RateLimitDecision>;
  /** Gives units back, within the current window (a redeemed challenge leaves the outstanding count). */
  refund(key: string, units?: number): Promise<void>;
  /** The key's state, or null when it has none (never used, or its window ended). */
  peek(key: string): Promise<RateLimitState | null>;
  /** Marks the key as over its limit for `seconds` (whole seconds, at least 1), replacing its count. */
  block(key: string, seconds: number): Promise<void>;
  /** Forgets the key. */
  reset(key: string): Promise<void>;
}

/** One limit: `limit` units per `windowSeconds` (whole seconds) per key. */
export interface RateLimitSpec {
  readonly name: string;
  readonly limit: number;
  readonly windowSeconds: number;
  /**
   * Remember a refused key in process memory until its window ends, so a flood on one key costs the
   * store nothing. Only for limits that are never refunded (a refund could not lift the local block).
   */
  readonly localBlock?: boolean;
}

/** One operation of a batch (`RateLimiterFactory.run`) on a limiter of that factory. */
export interface RateLimitOperation {
  readonly limiter: RateLimiter;
  readonly key: string;
  /** `check`: a peek that also ends the batch when the key is over its limit (a lock, say). */
  readonly action: 'consume' | 'peek' | 'check' | 'refund' | 'reset';
}

/**
 * What one operation of a batch answered: `consume` its decision; `peek` and `check` the key's state
 * as a decision (`allowed`: within the limit) or null when the key has none; `refund` and `reset`
 * null. Undefined: not run, because an earlier consume or check refused.
 */
export type RateLimitOperationResult = RateLimitDecision | null | undefined;

/** Builds limiters over one store (memory or Redis). */
export interface RateLimiterFactory {
  create(spec: RateLimitSpec): RateLimiter;
  /**
   * Runs operations on this factory's limiters in order and stops after the first refusal (a consume
   * over the limit, or a check of a key over it):
   * the checks of one request in one store round trip where the store allows it (Redis: one script,
   * atomic). Results come back in the order of the operations.
   */
  run(operations: readonly RateLimitOperation[]): Promise<RateLimitOperationResult[]>;
}
export const RateLimiterFactory = Symbol('RateLimiterFactory');

/** `RateLimiterFactory.run` for stores without a batch form: each operation in turn. */
export async function runRateLimitOperationsInTurn(operations: readonly RateLimitOperation[]): Promise<RateLimitOperationResult[]> {
  const results: RateLimitOperationResult[] = [];
  for (const { limiter, key, action } of operations) {
    if (action === 'consume') {
      const decision = await limiter.consume(key);
      results.push(decision);
      if (!decision.allowed) break;
    } else if (action === 'peek' || action === 'check') {
      const state = await limiter.peek(key);
      const result = state && { allowed: state.consumed <= limiter.limit, ...state };
      results.push(result);
      if (action === 'check' && result && !result.allowed) break;
    } else {
      await (action === 'refund' ? limiter.refund(key) : limiter.reset(key));
      results.push(null);
    }
  }
  return results;
}

/** True when a batch stopped at a refusal: a consume over its limit or a check of a key over it. */
export function batchRefused(operations: readonly RateLimitOperation[], results: readonly RateLimitOperationResult[]): boolean {
  return operations.some(({ action }, i) => (action === 'consume' || action === 'check') && results[i]?.allowed === false);
}

/**
 * The expected outcome "too many requests": `rate_limited` (429) with how long to wait. `reason`
 * names the limit (`challenge_per_ip`, `proof_lockout`, ...), for metrics and the audit log.
 */
export class RateLimitedError extends DomainError {
  constructor(
    readonly limiter: string,
    /** Milliseconds until the caller may try again; `Retry-After` is this in seconds, rounded up. */
    readonly retryAfterMs: number,
  ) {
    super('rate_limited', 'too many requests; retry after the time in Retry-After', limiter);
  }

  /** Whole seconds for `Retry-After`, at least 1. */
  get retryAfterSeconds(): number {
    return Math.max(1, Math.ceil(this.retryAfterMs / 1000));
  }
}

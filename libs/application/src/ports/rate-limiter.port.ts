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

/** Builds limiters over one store (memory or Redis). */
export interface RateLimiterFactory {
  create(spec: RateLimitSpec): RateLimiter;
}
export const RateLimiterFactory = Symbol('RateLimiterFactory');

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

import type { RateLimitDecision, RateLimitSpec, RateLimitState, RateLimiter } from '@titan/application';
import { RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';

/** Checks a limit's shape once, when it is built. */
export function checkSpec(spec: RateLimitSpec): void {
  if (!/^[a-z][a-z0-9_]{0,63}$/.test(spec.name)) throw new RangeError('a rate limit name is a lower-case identifier');
  if (!Number.isSafeInteger(spec.limit) || spec.limit < 0) throw new RangeError(`${spec.name}: limit must be a whole number >= 0`);
  if (!Number.isSafeInteger(spec.windowSeconds) || spec.windowSeconds < 1) throw new RangeError(`${spec.name}: windowSeconds must be a whole number >= 1`);
}

/**
 * The RateLimiter port over one rate-limiter-flexible limiter (fixed window per key). A refusal
 * arrives from the library as a rejected `RateLimiterRes`; anything else it throws is a store
 * failure, turned into `failure(...)` (StoreUnavailableError for Redis) so callers fail closed.
 */
export class FlexibleRateLimiter implements RateLimiter {
  constructor(
    readonly name: string,
    readonly limit: number,
    private readonly inner: RateLimiterAbstract,
    private readonly failure: (operation: string, cause: unknown) => Error,
  ) {}

  async consume(key: string, units = 1): Promise<RateLimitDecision> {
    try {
      const res = await this.inner.consume(key, units);
      return { allowed: true, consumed: res.consumedPoints, msBeforeReset: Math.max(res.msBeforeNext, 0) };
    } catch (error) {
      if (error instanceof RateLimiterRes) {
        return { allowed: false, consumed: error.consumedPoints, msBeforeReset: Math.max(error.msBeforeNext, 0) };
      }
      throw this.failure(`rate limit ${this.name} consume`, error);
    }
  }

  async refund(key: string, units = 1): Promise<void> {
    await this.call('refund', () => this.inner.reward(key, units));
  }

  async peek(key: string): Promise<RateLimitState | null> {
    const res = await this.call('peek', () => this.inner.get(key));
    // -1: no expiry (never set here); 0 or less otherwise: expired, not yet swept.
    if (res === null || (res.msBeforeNext <= 0 && res.msBeforeNext !== -1)) return null;
    return { consumed: res.consumedPoints, msBeforeReset: Math.max(res.msBeforeNext, 0) };
  }

  async block(key: string, seconds: number): Promise<void> {
    if (!Number.isSafeInteger(seconds) || seconds < 1) throw new RangeError('block seconds must be a whole number >= 1');
    await this.call('block', () => this.inner.block(key, seconds));
  }

  async reset(key: string): Promise<void> {
    await this.call('reset', () => this.inner.delete(key));
  }

  private async call<T>(operation: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      throw this.failure(`rate limit ${this.name} ${operation}`, error);
    }
  }
}

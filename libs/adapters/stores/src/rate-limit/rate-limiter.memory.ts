import { runRateLimitOperationsInTurn, type RateLimitSpec, type RateLimiter, type RateLimiterFactory } from '@titan/application';
import { RateLimiterMemory } from 'rate-limiter-flexible';
import { FlexibleRateLimiter, checkSpec } from './rate-limiter.flexible';

/**
 * Rate limits in process memory (rate-limiter-flexible's RateLimiterMemory), for the embedded mode:
 * one process, so the counts are exact. An expired key is dropped by an unref'd timer, so memory is
 * bounded by the keys inside their window. Never fails.
 */
export class InMemoryRateLimiterFactory implements RateLimiterFactory {
  /** Memory answers at once: a batch is each operation in turn. */
  readonly run = runRateLimitOperationsInTurn;

  create(spec: RateLimitSpec): RateLimiter {
    checkSpec(spec);
    const inner = new RateLimiterMemory({ keyPrefix: spec.name, points: spec.limit, duration: spec.windowSeconds });
    return new FlexibleRateLimiter(spec.name, spec.limit, inner, (_operation, cause) => (cause instanceof Error ? cause : new Error(String(cause))));
  }
}

import type { AuditLog } from '../ports/audit-log.port';
import type { OperationalMetrics } from '../ports/operational-metrics.port';
import type { RateLimitOperation, RateLimitOperationResult, RateLimiter } from '../ports/rate-limiter.port';
import type { RequestContext } from '../shared/request-context';

/**
 * Progressive lockout after repeated failed proofs (PRODUCT.md section 4): from the `threshold`-th
 * failure on, each failure locks the pair for `baseLockSeconds`, doubling per further failure, at
 * most `maxLockSeconds`. A success forgets the pair.
 */
export interface ProofLockoutPolicy {
  /** Failures allowed before the first lock; 0 turns the lockout off. */
  readonly threshold: number;
  readonly baseLockSeconds: number;
  readonly maxLockSeconds: number;
  /** How long failures are remembered, counted from the first one (fixed window). */
  readonly memorySeconds: number;
}

/** The lockout state of one (identity, source address) pair, read before a proof is processed. */
export interface LockoutStatus {
  /** Milliseconds the pair stays locked; 0 when it is not locked. */
  readonly lockedForMs: number;
  /** Failures remembered for the pair (0 when none: nothing to forget on success). */
  readonly failures: number;
}

export const NOT_LOCKED: LockoutStatus = Object.freeze({ lockedForMs: 0, failures: 0 });

/**
 * Reasons that are guesses: the proof reached a live challenge issued for the claimed identity id
 * and was wrong (bad signature, a dead identity, a decoy for an identity that does not exist). A
 * proof against an unknown, expired or already consumed challenge (a replay, the losers of a race, a
 * slow client) is not a guess; nor is a challenge of another identity (a decoy cannot be attributed
 * to the id it was issued for, so counting real ones would tell real from decoy); nor are DPoP
 * refusals or a grant changed since the challenge.
 */
export const GUESS_REASONS: ReadonlySet<string> = new Set([
  'bad_signature', 'identity_unknown', 'identity_revoked', 'decoy_challenge',
]);

/** Lock length after `failures` failures: 0 below the threshold, then base * 2^(failures - threshold), capped. */
export function lockSecondsAfter(policy: ProofLockoutPolicy, failures: number): number {
  if (policy.threshold <= 0 || failures < policy.threshold) return 0;
  const doublings = failures - policy.threshold;
  // 2^31 seconds is beyond any cap; avoid Infinity for absurd counts.
  if (doublings >= 31) return policy.maxLockSeconds;
  return Math.min(policy.maxLockSeconds, policy.baseLockSeconds * 2 ** doublings);
}

/**
 * Lockout per **(identity, source address)**: a service's own address is never locked by guesses
 * made elsewhere, so nobody can lock a service out. State lives in two limiters over the shared
 * store (failure counts, and locks), so every instance sees the same lock. Only the transition into
 * a lock is audited (`proof.locked_out`), so a flood of refused proofs writes nothing.
 */
export class ProofLockout {
  constructor(
    private readonly failures: RateLimiter,
    private readonly locks: RateLimiter,
    readonly policy: ProofLockoutPolicy,
    private readonly audit: AuditLog,
    private readonly metrics: OperationalMetrics,
  ) {}

  static key(identityId: string, clientIp: string | null | undefined): string {
    return `${identityId} ${clientIp ?? 'unknown'}`;
  }

  /**
   * The reads of the pair's lockout state, to run in a batch with the request's other checks; `statusOf`
   * reads their results. The lock comes last and ends the batch (`check`): nothing after it runs for
   * a locked pair.
   */
  statusReads(identityId: string, clientIp: string | null | undefined): [RateLimitOperation, RateLimitOperation] {
    const key = ProofLockout.key(identityId, clientIp);
    return [{ limiter: this.failures, key, action: 'peek' }, { limiter: this.locks, key, action: 'check' }];
  }

  statusOf(failures: RateLimitOperationResult, lock: RateLimitOperationResult): LockoutStatus {
    const lockedForMs = lock && lock.consumed > this.locks.limit ? Math.max(lock.msBeforeReset, 0) : 0;
    if (lockedForMs > 0) this.metrics.rateLimitRejected('proof_lockout');
    return { lockedForMs, failures: failures?.consumed ?? 0 };
  }

  /** Counts a failed proof whose reason is a guess; locks the pair from the threshold on. */
  async failed(identityId: string, reason: string, context: RequestContext): Promise<void> {
    if (!GUESS_REASONS.has(reason)) return;
    const key = ProofLockout.key(identityId, context.clientIp);
    const counted = await this.failures.consume(key);
    const seconds = lockSecondsAfter(this.policy, counted.consumed);
    if (seconds === 0) return;
    await this.locks.block(key, seconds);
    await this.audit.record({
      action: 'proof.locked_out', outcome: 'failure', actor: identityId, subject: identityId,
      reason: `${counted.consumed} failed proofs (last: ${reason}); locked for ${seconds} s`,
      requestId: context.requestId ?? null, clientIp: context.clientIp ?? null,
    });
  }

  /** What a success resets, to run in a batch: nothing when there were no failures. */
  forgetOperations(identityId: string, clientIp: string | null | undefined, status: LockoutStatus): RateLimitOperation[] {
    if (status.failures === 0) return [];
    const key = ProofLockout.key(identityId, clientIp);
    return [{ limiter: this.failures, key, action: 'reset' }, { limiter: this.locks, key, action: 'reset' }];
  }
}

import type { AuditLog } from '../ports/audit-log.port';
import type { OperationalMetrics } from '../ports/operational-metrics.port';
import type { GuardedResult } from '../ports/challenge-store.port';
import {
  RateLimitedError, batchRefused, type RateLimitOperation, type RateLimitOperationResult, type RateLimiter, type RateLimiterFactory,
} from '../ports/rate-limiter.port';
import { NOT_LOCKED, ProofLockout, type LockoutStatus, type ProofLockoutPolicy } from '../proof-lockout/proof-lockout';
import type { RequestContext } from '../shared/request-context';

/** Runs a batch of checks, with or without a challenge operation guarded by them. */
export type GuardedRun = (checks: readonly RateLimitOperation[]) => Promise<GuardedResult>;

/** Endpoint groups limited per client address. */
export const ADDRESS_LIMITS = ['challenge', 'token', 'oauth_token', 'introspect', 'revoke', 'admin'] as const;
export type AddressLimit = (typeof ADDRESS_LIMITS)[number];

/**
 * Groups limited per authenticated identity: tokens issued (both token endpoints share one budget),
 * introspection calls per caller, admin calls per admin. Counted only once the identity is proven,
 * so nobody can spend a service's budget by naming it.
 */
export const IDENTITY_LIMITS = ['token', 'introspect', 'admin'] as const;
export type IdentityLimit = (typeof IDENTITY_LIMITS)[number];

export interface AbuseControlSettings {
  /** Fixed window of the per-address and per-identity limits, in whole seconds. */
  readonly windowSeconds: number;
  /** Requests per window per client address; 0 turns a limit off. */
  readonly perAddress: Readonly<Record<AddressLimit, number>>;
  /** Requests per window per authenticated identity; 0 turns a limit off. */
  readonly perIdentity: Readonly<Record<IdentityLimit, number>>;
  /** Unredeemed challenges per (identity, address) within one challenge lifetime; 0: no cap. */
  readonly outstandingChallenges: number;
  readonly challengeTtlSeconds: number;
  readonly lockout: ProofLockoutPolicy;
}

/**
 * Titan's abuse controls in one place (PRODUCT.md section 4): rate limits per client address and
 * per identity, the outstanding-challenge cap and the proof lockout. Every refusal is a
 * `RateLimitedError` (429 with Retry-After), counted in metrics under the limit's name; the first
 * refusal of a key in a window is audited (`rate_limit.tripped`), later ones are not, so a flood
 * cannot fill the audit log. Store failures are thrown (DependencyUnavailableError): fail closed.
 */
export class AbuseControl {
  private readonly perAddress = new Map<AddressLimit, RateLimiter>();
  private readonly perIdentity = new Map<IdentityLimit, RateLimiter>();
  private readonly outstanding: RateLimiter | undefined;
  /** Undefined when the lockout is off. */
  readonly lockout: ProofLockout | undefined;

  constructor(
    private readonly factory: RateLimiterFactory,
    readonly settings: AbuseControlSettings,
    private readonly audit: AuditLog,
    private readonly metrics: OperationalMetrics,
  ) {
    const windowSeconds = settings.windowSeconds;
    for (const group of ADDRESS_LIMITS) {
      const limit = settings.perAddress[group];
      if (limit > 0) this.perAddress.set(group, factory.create({ name: `${group}_per_ip`, limit, windowSeconds, localBlock: true }));
    }
    for (const group of IDENTITY_LIMITS) {
      const limit = settings.perIdentity[group];
      if (limit > 0) this.perIdentity.set(group, factory.create({ name: `${group}_per_identity`, limit, windowSeconds, localBlock: true }));
    }
    this.outstanding = settings.outstandingChallenges > 0
      ? factory.create({ name: 'outstanding_challenges', limit: settings.outstandingChallenges, windowSeconds: settings.challengeTtlSeconds })
      : undefined;
    const policy = settings.lockout;
    this.lockout = policy.threshold > 0
      ? new ProofLockout(
        factory.create({ name: 'proof_failures', limit: Number.MAX_SAFE_INTEGER, windowSeconds: policy.memorySeconds }),
        factory.create({ name: 'proof_lockout', limit: 0, windowSeconds: policy.maxLockSeconds }),
        policy, audit, metrics,
      )
      : undefined;
  }

  /** One request of `group` from `clientIp`; null when allowed. */
  async chargeAddress(group: AddressLimit, clientIp: string, context: RequestContext = {}): Promise<RateLimitedError | null> {
    const limiter = this.perAddress.get(group);
    return limiter ? this.charge(limiter, clientIp, null, context) : null;
  }

  /** One request of `group` by an authenticated identity; null when allowed. */
  async chargeIdentity(group: IdentityLimit, identityId: string, context: RequestContext = {}): Promise<RateLimitedError | null> {
    const limiter = this.perIdentity.get(group);
    return limiter ? this.charge(limiter, identityId, identityId, context) : null;
  }

  /**
   * Admission of a challenge request: the caller's address budget, then (when that allows it) one
   * outstanding-challenge slot of the (identity, address) pair. Counted for the requested id whether
   * it exists or not, so an unknown identity is capped like a real one. A refused unit is not given
   * back: a client hammering past a cap waits for its window. `store` runs the checks together with
   * the request's challenge operation (`ChallengeStore.saveAdmitted`): one store round trip.
   */
  async admitChallenge(identityId: string, context: RequestContext = {}, store: GuardedRun = this.checksAlone): Promise<RateLimitedError | null> {
    const checks = [
      ...this.addressCharge('challenge', context),
      ...(this.outstanding ? [{ limiter: this.outstanding, key: ProofLockout.key(identityId, context.clientIp), action: 'consume' as const }] : []),
    ];
    return this.firstRefusal(checks, (await store(checks)).checks, identityId, context);
  }

  /**
   * Admission of a proof: the caller's address budget, then the pair's lockout state. `refused` is
   * set when either says no (a locked pair: `proof_lockout`). `store` runs the checks together with
   * the take of the challenge (`ChallengeStore.takeAdmitted`, with `redeemChecks` after it): one
   * store round trip; its result comes back as `taken`.
   */
  async admitProof<R extends GuardedResult>(
    identityId: string, context: RequestContext, store: (checks: readonly RateLimitOperation[]) => Promise<R>,
  ): Promise<{ readonly refused?: RateLimitedError; readonly lockout: LockoutStatus; readonly taken: R }> {
    const charge = this.addressCharge('token', context);
    const checks = [...charge, ...(this.lockout?.statusReads(identityId, context.clientIp) ?? [])];
    const taken = await store(checks);
    const refused = await this.firstRefusal(checks, taken.checks, identityId, context);
    if (refused) return { refused, lockout: NOT_LOCKED, taken };
    const lockout = this.lockout ? this.lockout.statusOf(taken.checks[charge.length], taken.checks[charge.length + 1]) : NOT_LOCKED;
    return lockout.lockedForMs > 0 ? { refused: new RateLimitedError('proof_lockout', lockout.lockedForMs), lockout, taken } : { lockout, taken };
  }

  /**
   * What taking a challenge issued to the identity does at once, in the take's round trip: its
   * outstanding slot is freed, and one token is charged to the identity's budget. The charge is
   * read only once the proof is accepted (`proofAccepted`) and given back if it fails
   * (`proofFailed`), so nobody spends a service's budget by naming it.
   */
  redeemChecks(identityId: string, context: RequestContext = {}): RateLimitOperation[] {
    const identityLimit = this.perIdentity.get('token');
    return [
      ...(this.outstanding ? [{ limiter: this.outstanding, key: ProofLockout.key(identityId, context.clientIp), action: 'refund' as const }] : []),
      ...(identityLimit ? [{ limiter: identityLimit, key: identityId, action: 'consume' as const }] : []),
    ];
  }

  /** A challenge left the store without its `redeemChecks` (a decoy of this identity): its slot is free again. */
  async challengeRedeemed(identityId: string, context: RequestContext = {}): Promise<void> {
    if (this.outstanding) await this.outstanding.refund(ProofLockout.key(identityId, context.clientIp));
  }

  /**
   * A failed proof: counted towards the pair's lockout when it is a guess, and the token charged by
   * `redeemChecks` (when they ran: `redeemed`) is given back.
   */
  async proofFailed(identityId: string, reason: string, context: RequestContext = {}, redeemed: readonly RateLimitOperationResult[] = []): Promise<void> {
    const charge = this.redeemChecks(identityId, context).findIndex(({ action }) => action === 'consume');
    const charged = charge >= 0 && redeemed[charge] != null;
    await Promise.all([this.lockout?.failed(identityId, reason, context), charged ? this.perIdentity.get('token')?.refund(identityId) : undefined]);
  }

  /**
   * A proven identity: the token charge made by `redeemChecks` (their results: `redeemed`) is read,
   * null when it allows a token; the pair's failures, if any, are forgotten (a store round trip only then).
   */
  async proofAccepted(
    identityId: string, lockout: LockoutStatus, redeemed: readonly RateLimitOperationResult[], context: RequestContext = {},
  ): Promise<RateLimitedError | null> {
    const forget = this.lockout?.forgetOperations(identityId, context.clientIp, lockout) ?? [];
    if (forget.length > 0) await this.factory.run(forget);
    return this.firstRefusal(this.redeemChecks(identityId, context), redeemed, identityId, context);
  }

  /** The checks alone, when there is no challenge operation to fuse them with. */
  readonly checksAlone: GuardedRun = async (checks) => {
    const results = checks.length === 0 ? [] : await this.factory.run(checks);
    return { checks: results, admitted: !batchRefused(checks, results) };
  };

  /** The address charge of a group as a batch operation; none when the limit is off or the address unknown. */
  private addressCharge(group: AddressLimit, context: RequestContext): RateLimitOperation[] {
    const limiter = this.perAddress.get(group);
    return limiter && context.clientIp ? [{ limiter, key: context.clientIp, action: 'consume' }] : [];
  }

  /** The refusal of the first refused consume of a batch (audited and counted like a single charge), or null. */
  private async firstRefusal(
    operations: readonly RateLimitOperation[], results: readonly RateLimitOperationResult[], actor: string | null, context: RequestContext,
  ): Promise<RateLimitedError | null> {
    for (let i = 0; i < operations.length; i++) {
      const { limiter, key, action } = operations[i]!;
      const result = results[i];
      if (action === 'consume' && result && !result.allowed) {
        // An address limit has no actor; a pair or an identity limit is attributed to the identity.
        const byAddress = [...this.perAddress.values()].includes(limiter);
        return this.refused(limiter, result.consumed, result.msBeforeReset, key, byAddress ? null : actor, context);
      }
    }
    return null;
  }

  private async charge(limiter: RateLimiter, key: string, actor: string | null, context: RequestContext): Promise<RateLimitedError | null> {
    const decision = await limiter.consume(key);
    if (decision.allowed) return null;
    return this.refused(limiter, decision.consumed, decision.msBeforeReset, key, actor, context);
  }

  private async refused(
    limiter: RateLimiter, consumed: number, msBeforeReset: number, subject: string, actor: string | null, context: RequestContext,
  ): Promise<RateLimitedError> {
    this.metrics.rateLimitRejected(limiter.name);
    // Exactly one caller sees the count pass the limit (the store counts atomically): audit that one.
    if (consumed === limiter.limit + 1) {
      await this.audit.record({
        action: 'rate_limit.tripped', outcome: 'failure', actor, subject, reason: `${limiter.name}: more than ${limiter.limit} in the window`,
        requestId: context.requestId ?? null, clientIp: context.clientIp ?? null,
      });
    }
    return new RateLimitedError(limiter.name, Math.max(msBeforeReset, 1));
  }
}

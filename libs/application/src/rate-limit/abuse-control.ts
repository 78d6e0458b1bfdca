import type { AuditLog } from '../ports/audit-log.port';
import type { OperationalMetrics } from '../ports/operational-metrics.port';
import { RateLimitedError, type RateLimiter, type RateLimiterFactory } from '../ports/rate-limiter.port';
import { NOT_LOCKED, ProofLockout, type LockoutStatus, type ProofLockoutPolicy } from '../proof-lockout/proof-lockout';
import type { RequestContext } from '../shared/request-context';

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
    factory: RateLimiterFactory,
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
   * A challenge about to be issued for `identityId` (whether it exists or not: an unknown identity
   * is capped exactly like a real one). Refused when the pair already holds the cap.
   */
  async openChallenge(identityId: string, context: RequestContext = {}): Promise<RateLimitedError | null> {
    if (!this.outstanding) return null;
    const key = ProofLockout.key(identityId, context.clientIp);
    const decision = await this.outstanding.consume(key);
    if (decision.allowed) return null;
    // The refused unit is not given back: a client hammering past the cap waits for the window (one
    // challenge lifetime) like any other limit, and the trip is audited once per window.
    return this.refused(this.outstanding, decision.consumed, decision.msBeforeReset, key, identityId, context);
  }

  /** A challenge left the store (its first proof attempt, success or failure). */
  async challengeRedeemed(identityId: string, context: RequestContext = {}): Promise<void> {
    if (this.outstanding) await this.outstanding.refund(ProofLockout.key(identityId, context.clientIp));
  }

  /** The pair's lockout state before a proof is processed. */
  async proofStatus(identityId: string, context: RequestContext = {}): Promise<LockoutStatus> {
    return this.lockout ? this.lockout.status(identityId, context.clientIp) : NOT_LOCKED;
  }

  async proofFailed(identityId: string, reason: string, context: RequestContext = {}): Promise<void> {
    await this.lockout?.failed(identityId, reason, context);
  }

  async proofSucceeded(identityId: string, status: LockoutStatus, context: RequestContext = {}): Promise<void> {
    await this.lockout?.succeeded(identityId, context.clientIp, status);
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

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { AuditEvent, AuditLog } from '../ports/audit-log.port';
import type { OperationalMetrics } from '../ports/operational-metrics.port';
import {
  RateLimitedError, runRateLimitOperationsInTurn, type RateLimitDecision, type RateLimitSpec, type RateLimitState, type RateLimiter,
  type RateLimiterFactory,
} from '../ports/rate-limiter.port';
import { AbuseControl, type AbuseControlSettings } from '../rate-limit/abuse-control';
import { lockSecondsAfter, type ProofLockoutPolicy } from './proof-lockout';

/** Time that moves only when a test says so. */
class ManualClock {
  ms = Date.UTC(2026, 0, 1);
  advance(ms: number): void {
    this.ms += ms;
  }
}

/** The RateLimiter contract's fixed-window semantics over a manual clock. */
class ClockedLimiterFactory implements RateLimiterFactory {
  constructor(private readonly clock: ManualClock) {}

  readonly run = runRateLimitOperationsInTurn;

  create(spec: RateLimitSpec): RateLimiter {
    const clock = this.clock;
    const entries = new Map<string, { consumed: number; resetAtMs: number }>();
    const live = (key: string) => {
      const entry = entries.get(key);
      return entry && entry.resetAtMs > clock.ms ? entry : undefined;
    };
    const add = (key: string, units: number) => {
      const entry = live(key) ?? { consumed: 0, resetAtMs: clock.ms + spec.windowSeconds * 1000 };
      entry.consumed += units;
      entries.set(key, entry);
      return entry;
    };
    return {
      name: spec.name,
      limit: spec.limit,
      async consume(key: string, units = 1): Promise<RateLimitDecision> {
        const entry = add(key, units);
        return { allowed: entry.consumed <= spec.limit, consumed: entry.consumed, msBeforeReset: entry.resetAtMs - clock.ms };
      },
      async refund(key: string, units = 1) {
        add(key, -units);
      },
      async peek(key: string): Promise<RateLimitState | null> {
        const entry = live(key);
        return entry ? { consumed: entry.consumed, msBeforeReset: entry.resetAtMs - clock.ms } : null;
      },
      async block(key: string, seconds: number) {
        entries.set(key, { consumed: spec.limit + 1, resetAtMs: clock.ms + seconds * 1000 });
      },
      async reset(key: string) {
        entries.delete(key);
      },
    };
  }
}

const POLICY: ProofLockoutPolicy = { threshold: 5, baseLockSeconds: 1, maxLockSeconds: 900, memorySeconds: 86_400 };
/** Proofs from one address are many in the lockout tests: their address budget is not what they test. */
const ADDRESS_LIMITS = { challenge: 3, token: 1000, oauth_token: 3, introspect: 3, revoke: 3, admin: 0 };

/** The pair's lockout state as a proof's admission reads it. */
async function lockoutOf(abuse: AbuseControl, identityId: string, context: { clientIp: string }) {
  return (await abuse.admitProof(identityId, context, abuse.checksAlone)).lockout;
}

/** What taking a challenge of the identity runs in the take's round trip; its results. */
async function redeem(abuse: AbuseControl, identityId: string, context: { clientIp: string }) {
  return runRateLimitOperationsInTurn(abuse.redeemChecks(identityId, context));
}

function harness(overrides: Partial<AbuseControlSettings> = {}) {
  const clock = new ManualClock();
  const audited: AuditEvent[] = [];
  const rejected: string[] = [];
  const audit: AuditLog = { record: async (event) => void audited.push(event) };
  const metrics: OperationalMetrics = { rateLimitRejected: (name) => void rejected.push(name), dependencyFailed: () => undefined };
  const abuse = new AbuseControl(new ClockedLimiterFactory(clock), {
    windowSeconds: 60,
    perAddress: ADDRESS_LIMITS,
    perIdentity: { token: 2, introspect: 0, admin: 0 },
    outstandingChallenges: 2,
    challengeTtlSeconds: 60,
    lockout: POLICY,
    ...overrides,
  }, audit, metrics);
  return { clock, abuse, audited, rejected };
}

const FROM_A = { clientIp: '198.51.100.1', requestId: 'r1' };
const FROM_B = { clientIp: '198.51.100.2', requestId: 'r2' };
const NO_FAILURES = { lockedForMs: 0, failures: 0 };

describe('lockSecondsAfter', () => {
  it('locks from the threshold on, doubling from the base up to the cap', () => {
    const seconds = Array.from({ length: 20 }, (_, i) => lockSecondsAfter(POLICY, i + 1));
    assert.deepEqual(seconds, [0, 0, 0, 0, 1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 900, 900, 900, 900, 900, 900]);
    assert.equal(lockSecondsAfter(POLICY, 10_000), 900, 'no overflow for absurd counts');
    assert.equal(lockSecondsAfter({ ...POLICY, threshold: 0 }, 50), 0, 'threshold 0: no lockout');
    assert.equal(lockSecondsAfter({ ...POLICY, baseLockSeconds: 10, maxLockSeconds: 25 }, 7), 25);
  });
});

describe('ProofLockout (manual clock)', () => {
  it('locks the (identity, address) pair progressively and audits only the transitions', async () => {
    const { clock, abuse, audited, rejected } = harness();
    for (let i = 0; i < 4; i++) await abuse.proofFailed('alice', 'bad_signature', FROM_A);
    assert.equal((await lockoutOf(abuse, 'alice', FROM_A)).lockedForMs, 0, 'four failures: not locked');
    assert.equal(audited.length, 0);

    await abuse.proofFailed('alice', 'bad_signature', FROM_A);
    let status = await lockoutOf(abuse, 'alice', FROM_A);
    assert.equal(status.lockedForMs, 1000, 'fifth failure: locked for 1 s');
    assert.equal(status.failures, 5);
    assert.deepEqual(rejected, ['proof_lockout'], 'a refused proof is counted');
    assert.equal(audited.length, 1);
    assert.equal(audited[0]!.action, 'proof.locked_out');
    assert.equal(audited[0]!.clientIp, FROM_A.clientIp);
    assert.match(audited[0]!.reason!, /5 failed proofs \(last: bad_signature\); locked for 1 s/);

    // Refused proofs while locked write nothing (the use case stops before counting).
    for (let i = 0; i < 100; i++) await lockoutOf(abuse, 'alice', FROM_A);
    assert.equal(audited.length, 1);

    clock.advance(1000);
    assert.equal((await lockoutOf(abuse, 'alice', FROM_A)).lockedForMs, 0, 'the lock ends');
    const expected = [2, 4, 8, 16, 32, 64, 128, 256, 512, 900, 900];
    for (const seconds of expected) {
      await abuse.proofFailed('alice', 'bad_signature', FROM_A);
      status = await lockoutOf(abuse, 'alice', FROM_A);
      assert.equal(status.lockedForMs, seconds * 1000);
      clock.advance(seconds * 1000);
    }
    assert.equal(audited.length, 1 + expected.length);
  });

  it('never locks another address: nobody elsewhere can lock a service out', async () => {
    const { abuse } = harness();
    for (let i = 0; i < 10; i++) await abuse.proofFailed('alice', 'bad_signature', FROM_A);
    assert.ok((await lockoutOf(abuse, 'alice', FROM_A)).lockedForMs > 0);
    assert.deepEqual(await lockoutOf(abuse, 'alice', FROM_B), { lockedForMs: 0, failures: 0 });
    assert.deepEqual(await lockoutOf(abuse, 'bob', FROM_A), { lockedForMs: 0, failures: 0 });
  });

  it('does not count replays, race losers, expired challenges, another identity\'s challenge or DPoP refusals', async () => {
    const { abuse, audited } = harness();
    for (const reason of ['challenge_unknown_or_used', 'challenge_expired', 'challenge_of_another_identity', 'dpop_key_not_enrolled', 'grant_no_longer_allowed: invalid_scope']) {
      for (let i = 0; i < 10; i++) await abuse.proofFailed('alice', reason, FROM_A);
    }
    assert.deepEqual(await lockoutOf(abuse, 'alice', FROM_A), { lockedForMs: 0, failures: 0 });
    assert.equal(audited.length, 0);
    for (const reason of ['identity_revoked', 'identity_unknown', 'decoy_challenge', 'bad_signature', 'bad_signature']) {
      await abuse.proofFailed('alice', reason, FROM_A);
    }
    assert.equal((await lockoutOf(abuse, 'alice', FROM_A)).lockedForMs, 1000, 'each of these is a guess');
  });

  it('forgets the pair on success', async () => {
    const { abuse } = harness();
    for (let i = 0; i < 4; i++) await abuse.proofFailed('alice', 'bad_signature', FROM_A);
    const status = await lockoutOf(abuse, 'alice', FROM_A);
    assert.equal(status.failures, 4);
    assert.equal(await abuse.proofAccepted('alice', status, await redeem(abuse, 'alice', FROM_A), FROM_A), null);
    assert.deepEqual(await lockoutOf(abuse, 'alice', FROM_A), { lockedForMs: 0, failures: 0 });
    await abuse.proofFailed('alice', 'bad_signature', FROM_A);
    assert.equal((await lockoutOf(abuse, 'alice', FROM_A)).lockedForMs, 0, 'counting starts again from zero');
  });

  it('forgets failures after the memory window', async () => {
    const { clock, abuse } = harness();
    for (let i = 0; i < 4; i++) await abuse.proofFailed('alice', 'bad_signature', FROM_A);
    clock.advance(POLICY.memorySeconds * 1000);
    await abuse.proofFailed('alice', 'bad_signature', FROM_A);
    assert.deepEqual(await lockoutOf(abuse, 'alice', FROM_A), { lockedForMs: 0, failures: 1 });
  });

  it('is off with threshold 0', async () => {
    const { abuse } = harness({ lockout: { ...POLICY, threshold: 0 } });
    for (let i = 0; i < 20; i++) await abuse.proofFailed('alice', 'bad_signature', FROM_A);
    assert.deepEqual(await lockoutOf(abuse, 'alice', FROM_A), { lockedForMs: 0, failures: 0 });
    assert.equal(abuse.lockout, undefined);
  });
});

describe('AbuseControl rate limits (manual clock)', () => {
  it('refuses past the per-address limit with the time left, audits the first refusal per window only', async () => {
    const { clock, abuse, audited, rejected } = harness();
    for (let i = 0; i < 3; i++) assert.equal(await abuse.chargeAddress('challenge', '203.0.113.5', FROM_A), null);
    clock.advance(20_000);
    const refused = await abuse.chargeAddress('challenge', '203.0.113.5', FROM_A);
    assert.ok(refused instanceof RateLimitedError);
    assert.equal(refused.code, 'rate_limited');
    assert.equal(refused.limiter, 'challenge_per_ip');
    assert.equal(refused.retryAfterSeconds, 40);
    for (let i = 0; i < 50; i++) assert.ok(await abuse.chargeAddress('challenge', '203.0.113.5', FROM_A));
    assert.equal(rejected.length, 51);
    assert.equal(audited.length, 1, 'one audit entry per key and window');
    assert.equal(audited[0]!.action, 'rate_limit.tripped');
    assert.equal(audited[0]!.subject, '203.0.113.5');
    assert.match(audited[0]!.reason!, /^challenge_per_ip: more than 3/);
    assert.equal(await abuse.chargeAddress('token', '203.0.113.5', FROM_A), null, 'each endpoint has its own budget');
    clock.advance(40_000);
    assert.equal(await abuse.chargeAddress('challenge', '203.0.113.5', FROM_A), null, 'recovers after the window');
  });

  it('charges identities and skips limits set to 0', async () => {
    const { abuse } = harness();
    assert.equal(await abuse.chargeIdentity('token', 'alice'), null);
    assert.equal(await abuse.chargeIdentity('token', 'alice'), null);
    assert.equal((await abuse.chargeIdentity('token', 'alice'))?.limiter, 'token_per_identity');
    assert.equal(await abuse.chargeIdentity('token', 'bob'), null);
    for (let i = 0; i < 10; i++) {
      assert.equal(await abuse.chargeIdentity('admin', 'admin'), null);
      assert.equal(await abuse.chargeAddress('admin', '203.0.113.5'), null);
    }
  });

  it('caps outstanding challenges per (identity, address), known or not, and frees room on redemption', async () => {
    const { clock, abuse } = harness({ perAddress: { ...ADDRESS_LIMITS, challenge: 0 } });
    for (const id of ['alice', 'nobody-registered-this']) {
      assert.equal(await abuse.admitChallenge(id, FROM_A), null);
      assert.equal(await abuse.admitChallenge(id, FROM_A), null);
      const capped = await abuse.admitChallenge(id, FROM_A);
      assert.equal(capped?.limiter, 'outstanding_challenges');
      assert.equal(await abuse.admitChallenge(id, FROM_B), null, 'another address has its own cap');
    }
    await abuse.challengeRedeemed('alice', FROM_A);
    await abuse.challengeRedeemed('alice', FROM_A);
    assert.equal(await abuse.admitChallenge('alice', FROM_A), null, 'redemptions free room (the refused request counted too)');
    clock.advance(60_000);
    assert.equal(await abuse.admitChallenge('nobody-registered-this', FROM_A), null, 'the count ends with the challenge lifetime');
  });

  it('admits a challenge only within the address budget, and a refused address takes no outstanding slot', async () => {
    const { clock, abuse, audited } = harness({ perAddress: { ...ADDRESS_LIMITS, challenge: 2 }, outstandingChallenges: 3, challengeTtlSeconds: 120 });
    assert.equal(await abuse.admitChallenge('alice', FROM_A), null);
    assert.equal(await abuse.admitChallenge('alice', FROM_A), null);
    assert.equal((await abuse.admitChallenge('alice', FROM_A))?.limiter, 'challenge_per_ip');
    assert.equal(audited[0]!.actor, null, 'an address limit has no actor');
    assert.equal(audited[0]!.subject, FROM_A.clientIp);
    clock.advance(60_000); // a new address window; the outstanding slots live for 120 s
    assert.equal(await abuse.admitChallenge('alice', FROM_A), null, 'the third slot was not taken by the refused request');
    const capped = await abuse.admitChallenge('alice', FROM_A);
    assert.equal(capped?.limiter, 'outstanding_challenges');
    assert.equal(audited[1]!.actor, 'alice', 'a pair limit is attributed to the identity');
  });

  it('refuses a proof past the address budget before reading the lockout, and a locked pair with proof_lockout', async () => {
    const { abuse, rejected } = harness({ perAddress: { ...ADDRESS_LIMITS, token: 1 } });
    const first = await abuse.admitProof('alice', FROM_A, abuse.checksAlone);
    assert.deepEqual([first.refused, first.lockout], [undefined, { lockedForMs: 0, failures: 0 }]);
    const byAddress = await abuse.admitProof('alice', FROM_A, abuse.checksAlone);
    assert.equal(byAddress.refused?.limiter, 'token_per_ip');
    assert.deepEqual(rejected, ['token_per_ip']);

    const locked = harness();
    for (let i = 0; i < 5; i++) await locked.abuse.proofFailed('alice', 'bad_signature', FROM_A);
    const admission = await locked.abuse.admitProof('alice', FROM_A, locked.abuse.checksAlone);
    assert.equal(admission.refused?.limiter, 'proof_lockout');
    assert.equal(admission.refused?.retryAfterSeconds, 1);
    assert.equal(admission.taken.admitted, false, 'the lock ended the batch: what it guards does not run');
  });

  it('on taking a challenge frees the outstanding slot and charges the identity; an accepted proof reads the charge and forgets failures', async () => {
    const { abuse } = harness({ perAddress: { ...ADDRESS_LIMITS, challenge: 0 }, outstandingChallenges: 1 });
    assert.equal(await abuse.admitChallenge('alice', FROM_A), null);
    assert.equal((await abuse.admitChallenge('alice', FROM_A))?.limiter, 'outstanding_challenges', 'the cap of one is held');
    for (let i = 0; i < 3; i++) await abuse.proofFailed('alice', 'bad_signature', FROM_A);
    const { lockout } = await abuse.admitProof('alice', FROM_A, abuse.checksAlone);
    assert.equal(lockout.failures, 3);
    assert.equal(await abuse.proofAccepted('alice', lockout, await redeem(abuse, 'alice', FROM_A), FROM_A), null);
    assert.equal((await lockoutOf(abuse, 'alice', FROM_A)).failures, 0, 'failures forgotten');
    assert.equal(await abuse.proofAccepted('alice', NO_FAILURES, await redeem(abuse, 'alice', FROM_A), FROM_A), null);
    assert.equal(await abuse.admitChallenge('alice', FROM_A), null, 'two takes freed the slot and the refused request');
    const third = await redeem(abuse, 'alice', FROM_A);
    assert.equal((await abuse.proofAccepted('alice', NO_FAILURES, third, FROM_A))?.limiter, 'token_per_identity', 'two tokens per identity');
  });

  it('gives the token charged at the take back when the proof fails, so a guesser cannot spend the budget', async () => {
    const { abuse } = harness({ perAddress: { ...ADDRESS_LIMITS, challenge: 0 } });
    for (let i = 0; i < 10; i++) await abuse.proofFailed('alice', 'bad_signature', FROM_B, await redeem(abuse, 'alice', FROM_B));
    assert.equal(await abuse.proofAccepted('alice', NO_FAILURES, await redeem(abuse, 'alice', FROM_A), FROM_A), null);
    assert.equal(await abuse.proofAccepted('alice', NO_FAILURES, await redeem(abuse, 'alice', FROM_A), FROM_A), null);
    const third = await abuse.proofAccepted('alice', NO_FAILURES, await redeem(abuse, 'alice', FROM_A), FROM_A);
    assert.equal(third?.limiter, 'token_per_identity', 'exactly the budget of two was left for the real service');
  });
});

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  applyKeyTransition, checkKeyRotationSchedule, KeyRotationPolicy, type KeyRotationSchedule, type KeyTransition,
} from './key-rotation-policy';
import type { SigningAlgorithm, SigningKey } from './signing-key';

// P = 100, M = 10, L = 30, S = 5, D = 2: the minimum period is L + S + M + 3D = 51.
const SCHEDULE: KeyRotationSchedule = { rotationPeriodSeconds: 100, jwksMaxAgeSeconds: 10, maxTokenLifetimeSeconds: 30, clockSkewSeconds: 5, propagationSeconds: 2 };
const T0 = new Date('2026-01-01T00:00:00.000Z');
const at = (seconds: number): Date => new Date(T0.getTime() + seconds * 1000);

let serial = 0;
function key(state: SigningKey['state'], fields: Partial<SigningKey> = {}): SigningKey {
  return {
    kid: `k${++serial}`, alg: 'ES256', state, publicJwk: {}, createdAt: T0, activatesAt: null,
    activatedAt: state === 'active' ? T0 : null, retiredAt: null, removedAt: null, ...fields,
  };
}

/** Applies a plan the way the key ring does (new keys get a kid and `now` as creation time). */
function apply(keys: SigningKey[], steps: readonly KeyTransition[], now: Date): SigningKey[] {
  let out = [...keys];
  for (const step of steps) {
    if (step.kind === 'create') out.push(key('active', { alg: step.alg, createdAt: now, activatedAt: now }));
    else if (step.kind === 'publish') out.push(key('next', { alg: step.alg, createdAt: now, activatesAt: step.activatesAt }));
    else out = out.map((k) => (k.kid === step.kid ? applyKeyTransition(k, step, now) : k));
  }
  return out;
}

describe('checkKeyRotationSchedule', () => {
  it('accepts the defaults and the exact minimum period', () => {
    assert.equal(checkKeyRotationSchedule({ rotationPeriodSeconds: 30 * 86_400, jwksMaxAgeSeconds: 300, maxTokenLifetimeSeconds: 900, clockSkewSeconds: 30, propagationSeconds: 15 }).ok, true);
    assert.equal(checkKeyRotationSchedule({ ...SCHEDULE, rotationPeriodSeconds: 51 }).ok, true);
  });

  it('refuses a period shorter than L + S + M + 3D, naming the period and giving the numbers', () => {
    const result = checkKeyRotationSchedule({ ...SCHEDULE, rotationPeriodSeconds: 50 });
    assert.equal(result.ok, false);
    if (!result.ok) {
      assert.equal(result.error.field, 'rotationPeriodSeconds');
      assert.match(result.error.message, /at least .*\(30 s\).*\(5 s\).*\(10 s\).*\(2 s\) = 51 s/);
    }
    // Each term counts: raising any one of them past the period is refused.
    for (const change of [{ maxTokenLifetimeSeconds: 80 }, { clockSkewSeconds: 55 }, { jwksMaxAgeSeconds: 60 }, { propagationSeconds: 19 }]) {
      assert.equal(checkKeyRotationSchedule({ ...SCHEDULE, ...change }).ok, false, JSON.stringify(change));
    }
  });

  it('refuses negative, fractional and zero-lifetime inputs', () => {
    assert.equal(checkKeyRotationSchedule({ ...SCHEDULE, jwksMaxAgeSeconds: -1 }).ok, false);
    assert.equal(checkKeyRotationSchedule({ ...SCHEDULE, clockSkewSeconds: 1.5 }).ok, false);
    const zero = checkKeyRotationSchedule({ ...SCHEDULE, maxTokenLifetimeSeconds: 0 });
    assert.equal(!zero.ok && zero.error.field, 'maxTokenLifetimeSeconds');
  });
});

describe('KeyRotationPolicy', () => {
  const policy = new KeyRotationPolicy(SCHEDULE);
  const ES: SigningAlgorithm[] = ['ES256'];

  it('derives the lead (M + D) and the retention (D + L + S)', () => {
    assert.equal(policy.publicationLeadSeconds, 12);
    assert.equal(policy.retentionSeconds, 37);
  });

  it('creates an active key for each configured algorithm that has none', () => {
    assert.deepEqual(policy.scheduled([], ['ES256', 'RS256'], T0), [{ kind: 'create', alg: 'ES256' }, { kind: 'create', alg: 'RS256' }]);
  });

  it('publishes the successor M + 2D before the rotation, activating at the end of the period', () => {
    const active = key('active');
    assert.deepEqual(policy.scheduled([active], ES, at(85.999)), []);
    assert.deepEqual(policy.scheduled([active], ES, at(86)), [{ kind: 'publish', alg: 'ES256', activatesAt: at(100) }]);
  });

  it('publishes late when ticks were missed, pushing activation to one full lead after publication', () => {
    const active = key('active');
    assert.deepEqual(policy.scheduled([active], ES, at(95)), [{ kind: 'publish', alg: 'ES256', activatesAt: at(107) }]);
  });

  it('activates the successor at its time, retiring the active key, never before one full lead', () => {
    const active = key('active');
    const next = key('next', { createdAt: at(86), activatesAt: at(100) });
    assert.deepEqual(policy.scheduled([active, next], ES, at(99.999)), []);
    assert.deepEqual(policy.scheduled([active, next], ES, at(100)), [
      { kind: 'retire', kid: active.kid, alg: 'ES256' }, { kind: 'activate', kid: next.kid, alg: 'ES256', early: false },
    ]);
    // A successor whose planned time came before its lead (clock jump, hand-edited row) still waits.
    const hasty = key('next', { createdAt: at(99), activatesAt: at(100) });
    assert.deepEqual(policy.scheduled([active, hasty], ES, at(110.999)), []);
    assert.equal(policy.scheduled([active, hasty], ES, at(111)).length, 2);
    // A successor without a planned time (older rows) activates at the end of the period.
    const unplanned = key('next', { createdAt: at(50) });
    assert.deepEqual(policy.scheduled([active, unplanned], ES, at(99)), []);
    assert.equal(policy.scheduled([active, unplanned], ES, at(100)).length, 2);
  });

  it('removes a retired key D + L + S after its retirement, whatever its algorithm', () => {
    const active = key('active', { activatedAt: at(100) });
    const retired = key('retired', { alg: 'RS256', activatedAt: T0, retiredAt: at(100) });
    assert.deepEqual(policy.scheduled([active, retired], ES, at(136.999)), []);
    assert.deepEqual(policy.scheduled([active, retired], ES, at(137)), [{ kind: 'remove', kid: retired.kid, alg: 'RS256' }]);
  });

  it('leaves removed and revoked keys alone and plans per algorithm', () => {
    const es = key('active');
    const rs = key('active', { alg: 'RS256', activatedAt: at(50) });
    const gone = [key('removed', { removedAt: at(1) }), key('revoked', { removedAt: at(1) })];
    const plan = policy.scheduled([es, rs, ...gone], ['ES256', 'RS256'], at(86));
    assert.deepEqual(plan, [{ kind: 'publish', alg: 'ES256', activatesAt: at(100) }]);
  });

  describe('on demand', () => {
    it('publishes a successor that activates one lead from now, and never activates by itself', () => {
      const active = key('active');
      assert.deepEqual(policy.onDemand([active], ES, at(10)), [{ kind: 'publish', alg: 'ES256', activatesAt: at(22) }]);
    });

    it('brings a published successor forward to its earliest safe time, or leaves it', () => {
      const active = key('active');
      const next = key('next', { createdAt: at(86), activatesAt: at(100) });
      assert.deepEqual(policy.onDemand([active, next], ES, at(90)), [{ kind: 'reschedule', kid: next.kid, alg: 'ES256', activatesAt: at(98) }]);
      assert.deepEqual(policy.onDemand([active, next], ES, at(99)), [{ kind: 'reschedule', kid: next.kid, alg: 'ES256', activatesAt: at(99) }]);
      assert.deepEqual(policy.onDemand([active, { ...next, activatesAt: at(98) }], ES, at(90)), []);
    });

    it('then activates through the scheduled path once the lead has passed', () => {
      let keys = [key('active')];
      keys = apply(keys, policy.onDemand(keys, ES, at(10)), at(10));
      assert.deepEqual(policy.scheduled(keys, ES, at(21.999)), []);
      keys = apply(keys, policy.scheduled(keys, ES, at(22)), at(22));
      assert.deepEqual(keys.map((k) => k.state), ['retired', 'active']);
    });
  });

  describe('emergency revocation', () => {
    it('unpublishes a next or retired key and touches nothing else', () => {
      const next = key('next');
      const retired = key('retired', { retiredAt: T0 });
      assert.deepEqual(policy.revoke([key('active'), next, retired], next.kid, at(1)), [{ kind: 'revoke', kid: next.kid, alg: 'ES256' }]);
      assert.deepEqual(policy.revoke([key('active'), retired], retired.kid, at(1)), [{ kind: 'revoke', kid: retired.kid, alg: 'ES256' }]);
    });

    it('replaces a revoked active key by its successor at once (early if its lead has not passed), else by a new key', () => {
      const active = key('active');
      const next = key('next', { createdAt: at(5) });
      assert.deepEqual(policy.revoke([active, next], active.kid, at(10)), [
        { kind: 'revoke', kid: active.kid, alg: 'ES256' }, { kind: 'activate', kid: next.kid, alg: 'ES256', early: true },
      ]);
      assert.deepEqual(policy.revoke([active, next], active.kid, at(17))![1], { kind: 'activate', kid: next.kid, alg: 'ES256', early: false });
      assert.deepEqual(policy.revoke([active], active.kid, at(10)), [{ kind: 'revoke', kid: active.kid, alg: 'ES256' }, { kind: 'create', alg: 'ES256' }]);
    });

    it('answers null for an unknown, removed or already revoked kid', () => {
      const removed = key('removed');
      const revoked = key('revoked');
      for (const kid of ['nope', removed.kid, revoked.kid]) assert.equal(policy.revoke([key('active'), removed, revoked], kid, T0), null);
    });
  });

  it('keeps every guarantee over many periods, whatever the tick jitter (simulation)', () => {
    // Ticks arrive every 0.25 to D seconds; on-demand rotations are sprinkled in.
    let keys: SigningKey[] = [];
    let now = 0;
    let seed = 7;
    const rand = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const signedBy = new Map<string, { first: number; last: number }>();
    const published = new Map<string, { from: number; to: number | null }>();
    let rotations = 0;
    while (now < 100 * SCHEDULE.rotationPeriodSeconds) {
      const steps = rand() < 0.002 ? policy.onDemand(keys, ['ES256', 'RS256'], at(now)) : policy.scheduled(keys, ['ES256', 'RS256'], at(now));
      rotations += steps.filter((s) => s.kind === 'activate').length;
      keys = apply(keys, steps, at(now));
      for (const k of keys) {
        const p = published.get(k.kid);
        const live = k.state === 'next' || k.state === 'active' || k.state === 'retired';
        if (live && !p) published.set(k.kid, { from: now, to: null });
        if (!live && p && p.to === null) p.to = now;
        if (k.state === 'active') {
          const s = signedBy.get(k.kid) ?? { first: now, last: now };
          signedBy.set(k.kid, { ...s, last: now });
        }
      }
      for (const alg of ['ES256', 'RS256']) {
        assert.equal(keys.filter((k) => k.alg === alg && k.state === 'active').length, 1, `one active ${alg} key at ${now}`);
      }
      now += 0.25 + rand() * (SCHEDULE.propagationSeconds - 0.25);
    }
    assert.ok(rotations > 150, `rotations: ${rotations}`);
    const lead = policy.publicationLeadSeconds;
    const retention = policy.retentionSeconds;
    for (const [kid, signed] of signedBy) {
      const p = published.get(kid)!;
      const created = keys.find((k) => k.kid === kid)!;
      // Keys created active (first start only) have nothing to break; every other key waited a full lead.
      if (created.activatesAt !== null) assert.ok(signed.first - p.from >= lead - 1e-9, `${kid} signed after ${signed.first - p.from} s of publication`);
      // The last token signed (at most D after the last tick seeing it active) expires L later, verifiers allow S.
      if (p.to !== null) assert.ok(p.to >= signed.last + retention - 1e-9, `${kid} unpublished too early`);
      // The rotation period is kept within the tick jitter once it has started.
      if (p.to !== null && created.activatesAt !== null) {
        const activated = created.activatedAt!.getTime() / 1000 - T0.getTime() / 1000;
        const retired = keys.find((k) => k.kid === kid)!.retiredAt!.getTime() / 1000 - T0.getTime() / 1000;
        assert.ok(retired - activated <= SCHEDULE.rotationPeriodSeconds + lead + SCHEDULE.propagationSeconds, `${kid} signed for ${retired - activated} s`);
      }
    }
  });

  it('keeps at most two published keys per algorithm between on-demand rotations (P ≥ L + S + M + 3D)', () => {
    let keys: SigningKey[] = [];
    for (let now = 0; now < 20 * SCHEDULE.rotationPeriodSeconds; now += SCHEDULE.propagationSeconds) {
      keys = apply(keys, policy.scheduled(keys, ES, at(now)), at(now));
      const live = keys.filter((k) => k.state === 'next' || k.state === 'active' || k.state === 'retired');
      assert.ok(live.length <= 2, `${live.length} keys published at ${now}`);
    }
    assert.ok(keys.filter((k) => k.state === 'removed').length >= 18);
  });
});

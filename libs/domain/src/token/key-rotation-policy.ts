import { err, ok, type Result } from '../shared/result';
import type { SigningAlgorithm, SigningKey } from './signing-key';

/**
 * The timing inputs of signing-key rotation, all in whole seconds.
 *
 * @example
 * const schedule = { rotationPeriodSeconds: 30 * 86_400, jwksMaxAgeSeconds: 300, maxTokenLifetimeSeconds: 900, clockSkewSeconds: 30, propagationSeconds: 15 };
 * const checked = checkKeyRotationSchedule(schedule); // ok, or the inequality it breaks
 * const policy = new KeyRotationPolicy(schedule);
 */
export interface KeyRotationSchedule {
  /** How long a key signs before the next one takes over (`TITAN_KEY_ROTATION_DAYS`). */
  readonly rotationPeriodSeconds: number;
  /** JWKS `Cache-Control: max-age`: how long a resource server may keep a copy of the key set. */
  readonly jwksMaxAgeSeconds: number;
  /** Longest lifetime of any token Titan signs. */
  readonly maxTokenLifetimeSeconds: number;
  /** Clock skew verifiers tolerate on `exp`. */
  readonly clockSkewSeconds: number;
  /** Longest time an instance takes to see a key change made by another (its key-ring refresh interval). */
  readonly propagationSeconds: number;
}

/** Which schedule input breaks which rule, with a message that gives the numbers. */
export interface KeyRotationScheduleViolation {
  readonly field: keyof KeyRotationSchedule;
  readonly message: string;
}

/**
 * One step of a key's lifecycle. `create` makes a key that signs at once (first start, or after
 * an emergency revocation when no `next` key exists); everything else is a state change.
 */
export type KeyTransition =
  | { readonly kind: 'create'; readonly alg: SigningAlgorithm }
  | { readonly kind: 'publish'; readonly alg: SigningAlgorithm; readonly activatesAt: Date }
  | { readonly kind: 'reschedule'; readonly kid: string; readonly alg: SigningAlgorithm; readonly activatesAt: Date }
  /** `early`: activated before one full publication lead (emergency only; caches may miss the key briefly). */
  | { readonly kind: 'activate'; readonly kid: string; readonly alg: SigningAlgorithm; readonly early: boolean }
  | { readonly kind: 'retire'; readonly kid: string; readonly alg: SigningAlgorithm }
  | { readonly kind: 'remove'; readonly kid: string; readonly alg: SigningAlgorithm }
  | { readonly kind: 'revoke'; readonly kid: string; readonly alg: SigningAlgorithm };

/** Transitions that change an existing key (everything but `create` and `publish`). */
export type KeyStateTransition = Extract<KeyTransition, { kid: string }>;

const MS = 1000;
const addSeconds = (at: Date, seconds: number): Date => new Date(at.getTime() + seconds * MS);
const latest = (a: Date, b: Date): Date => (a.getTime() >= b.getTime() ? a : b);

const SCHEDULE_FIELDS: ReadonlyArray<keyof KeyRotationSchedule> = [
  'rotationPeriodSeconds', 'jwksMaxAgeSeconds', 'maxTokenLifetimeSeconds', 'clockSkewSeconds', 'propagationSeconds',
];

/**
 * Checks that a schedule can be kept without ever breaking a verifier (see ADR 0005). With
 * P = rotation period, M = JWKS max-age, L = longest token lifetime, S = clock skew and
 * D = propagation delay, the policy publishes a key at `P − (M + 2D)` into its predecessor's
 * period, activates it at `P`, and removes the predecessor `D + L + S` after retiring it. That
 * timetable holds exactly when
 *
 *   P ≥ L + S + M + 3D
 *
 * i.e. the retired key is gone before the following key is published, so a key is published for
 * at least M + D before it signs and for at least D + L + S after it stops, and the JWKS never
 * holds more than two keys per algorithm in steady state.
 */
export function checkKeyRotationSchedule(schedule: KeyRotationSchedule): Result<KeyRotationSchedule, KeyRotationScheduleViolation> {
  for (const field of SCHEDULE_FIELDS) {
    const value = schedule[field];
    if (!Number.isSafeInteger(value) || value < 0) return err({ field, message: `must be a whole number of seconds, got ${value}` });
  }
  const { rotationPeriodSeconds: p, jwksMaxAgeSeconds: m, maxTokenLifetimeSeconds: l, clockSkewSeconds: s, propagationSeconds: d } = schedule;
  if (l <= 0) return err({ field: 'maxTokenLifetimeSeconds', message: 'must be positive' });
  const minimum = l + s + m + 3 * d;
  if (p < minimum) {
    return err({
      field: 'rotationPeriodSeconds',
      message:
        `a rotation period of ${p} s is too short: it must be at least the longest token lifetime (${l} s) + clock skew (${s} s) ` +
        `+ JWKS max-age (${m} s) + 3 × key propagation delay (${d} s) = ${minimum} s, so that a key is published for one cache period ` +
        'before it signs and until its last token has expired after it stops',
    });
  }
  return ok(schedule);
}

/**
 * Decides the lifecycle transitions of Titan's signing keys from the keys, the time and the
 * schedule. Pure: the caller applies the transitions atomically (see SigningKeyRing) and may call
 * it again on fresh data at any time; a transition is only ever proposed once it is safe.
 *
 * Safety does not depend on the schedule being kept: a key is activated only after it has been
 * published for the publication lead (M + D), except by an emergency revocation, and a retired
 * key is removed only after its retention (D + L + S).
 */
export class KeyRotationPolicy {
  constructor(readonly schedule: KeyRotationSchedule) {}

  /** How long a key is published before it may sign: one JWKS cache period plus propagation. */
  get publicationLeadSeconds(): number {
    return this.schedule.jwksMaxAgeSeconds + this.schedule.propagationSeconds;
  }

  /** How long a retired key stays published: a lagging instance may still sign with it for D, its tokens live L, verifiers allow S. */
  get retentionSeconds(): number {
    return this.schedule.propagationSeconds + this.schedule.maxTokenLifetimeSeconds + this.schedule.clockSkewSeconds;
  }

  /** When an active key's successor is published (one lead, plus one refresh of slack, before the rotation). */
  publishAt(active: SigningKey): Date {
    return addSeconds(this.rotateAt(active), -(this.publicationLeadSeconds + this.schedule.propagationSeconds));
  }

  /** When an active key's scheduled period ends. */
  rotateAt(active: SigningKey): Date {
    return addSeconds(active.activatedAt ?? active.createdAt, this.schedule.rotationPeriodSeconds);
  }

  /** Earliest time a `next` key may sign without an emergency. */
  safeActivationAt(next: SigningKey): Date {
    return addSeconds(next.createdAt, this.publicationLeadSeconds);
  }

  /** When a retired key leaves the JWKS (null for other states). */
  removalAt(key: SigningKey): Date | null {
    return key.state === 'retired' && key.retiredAt ? addSeconds(key.retiredAt, this.retentionSeconds) : null;
  }

  /**
   * Scheduled transitions due at `now`: create a key for an algorithm with none, publish a
   * successor ahead of the rotation, activate it (retiring its predecessor), remove retired keys
   * whose tokens have all expired. Retired keys of every algorithm are removed; keys are created,
   * published and activated only for `algorithms`.
   */
  scheduled(keys: readonly SigningKey[], algorithms: readonly SigningAlgorithm[], now: Date): KeyTransition[] {
    const steps: KeyTransition[] = [];
    for (const key of keys) {
      const removal = this.removalAt(key);
      if (removal && now >= removal) steps.push({ kind: 'remove', kid: key.kid, alg: key.alg });
    }
    for (const alg of algorithms) {
      const active = activeOf(keys, alg);
      const next = nextOf(keys, alg);
      if (!active) {
        steps.push(...this.replacement(next, alg, now));
        continue;
      }
      if (next) {
        const due = next.activatesAt ?? this.rotateAt(active);
        if (now >= due && now >= this.safeActivationAt(next)) {
          steps.push({ kind: 'retire', kid: active.kid, alg }, { kind: 'activate', kid: next.kid, alg, early: false });
        }
      } else if (now >= this.publishAt(active)) {
        steps.push({ kind: 'publish', alg, activatesAt: latest(this.rotateAt(active), addSeconds(now, this.publicationLeadSeconds)) });
      }
    }
    return steps;
  }

  /**
   * On-demand rotation: publish a successor that activates one publication lead from now, or
   * bring an already published successor forward to the earliest safe time. Never activates
   * anything by itself (a later `scheduled` call does, once the time has come), except to replace
   * a missing active key.
   */
  onDemand(keys: readonly SigningKey[], algorithms: readonly SigningAlgorithm[], now: Date): KeyTransition[] {
    const steps: KeyTransition[] = [];
    for (const alg of algorithms) {
      const next = nextOf(keys, alg);
      if (!activeOf(keys, alg)) {
        steps.push(...this.replacement(next, alg, now));
      } else if (!next) {
        steps.push({ kind: 'publish', alg, activatesAt: addSeconds(now, this.publicationLeadSeconds) });
      } else {
        const target = latest(this.safeActivationAt(next), now);
        if (!next.activatesAt || next.activatesAt > target) steps.push({ kind: 'reschedule', kid: next.kid, alg, activatesAt: target });
      }
    }
    return steps;
  }

  /**
   * Emergency revocation: the key leaves the JWKS at once. If it was signing, the oldest `next`
   * key of its algorithm takes over immediately (even if caches may not have it yet), else a new
   * key is created. Null when no published key has this kid.
   */
  revoke(keys: readonly SigningKey[], kid: string, now: Date): KeyTransition[] | null {
    const key = keys.find((k) => k.kid === kid && (k.state === 'next' || k.state === 'active' || k.state === 'retired'));
    if (!key) return null;
    const steps: KeyTransition[] = [{ kind: 'revoke', kid, alg: key.alg }];
    if (key.state === 'active') {
      const remaining = keys.filter((k) => k.kid !== kid);
      steps.push(...this.replacement(nextOf(remaining, key.alg), key.alg, now));
    }
    return steps;
  }

  private replacement(next: SigningKey | undefined, alg: SigningAlgorithm, now: Date): KeyTransition[] {
    if (!next) return [{ kind: 'create', alg }];
    return [{ kind: 'activate', kid: next.kid, alg, early: now < this.safeActivationAt(next) }];
  }
}

/** A key after a state transition at `now`. */
export function applyKeyTransition<K extends SigningKey>(key: K, step: KeyStateTransition, now: Date): K {
  switch (step.kind) {
    case 'reschedule':
      return { ...key, activatesAt: step.activatesAt };
    case 'activate':
      return { ...key, state: 'active', activatedAt: now };
    case 'retire':
      return { ...key, state: 'retired', retiredAt: now };
    case 'remove':
      return { ...key, state: 'removed', removedAt: now };
    case 'revoke':
      return { ...key, state: 'revoked', removedAt: now };
  }
}

/** The signing key of an algorithm; if storage ever held several, the most recently activated. */
export function activeOf<K extends SigningKey>(keys: readonly K[], alg: SigningAlgorithm): K | undefined {
  return keys
    .filter((k) => k.alg === alg && k.state === 'active')
    .sort((a, b) => (b.activatedAt?.getTime() ?? 0) - (a.activatedAt?.getTime() ?? 0))[0];
}

/** The successor of an algorithm's active key: its oldest `next` key. */
export function nextOf<K extends SigningKey>(keys: readonly K[], alg: SigningAlgorithm): K | undefined {
  return keys.filter((k) => k.alg === alg && k.state === 'next').sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime())[0];
}

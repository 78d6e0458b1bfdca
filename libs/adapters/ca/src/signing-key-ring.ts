import {
  keyTransitionAuditEvents, type AppliedKeyTransition, type Clock, type CryptoLane, type JwksSource, type KeyChangeCause,
  type SigningKeyLifecycle, type SigningKeyRepository, type StoredSigningKey, type TokenSigner,
} from '@titan/application';
import {
  ACCESS_TOKEN_TYPE, activeOf, applyKeyTransition, isPublishedSigningKeyState, KeyRotationPolicy, type KeyRotationSchedule,
  type KeyTransition, type SigningAlgorithm, type SigningKeyState, type TokenClaim,
} from '@titan/domain';
import type { KeyEncryption } from './key-encryption';
import { generateSigningKey, jwkThumbprint, PUBLIC_JWK_MEMBERS, publicJwkOf } from './signing-key.generator';

/** Scheduled changes (the timer, start-up) and on-demand rotation without a request behind it. */
const SCHEDULE: KeyChangeCause = { why: 'schedule', context: { actor: 'titan' } };
const ON_DEMAND: KeyChangeCause = { why: 'on_demand', context: {} };
const REVOKED: KeyChangeCause = { why: 'revoked', context: {} };

/** A key as resource servers see it. */
export interface PublishedKey {
  readonly kid: string;
  readonly alg: SigningAlgorithm;
  readonly state: SigningKeyState;
  readonly publicJwk: Readonly<Record<string, string>>;
}

/** Where a verifier finds Titan's published keys; the array is replaced (never mutated) when they change. */
export interface PublishedKeySource {
  publishedKeys(): readonly PublishedKey[];
}

export interface SigningKeyRingDependencies {
  readonly repository: SigningKeyRepository;
  readonly lane: CryptoLane;
  readonly clock: Clock;
  readonly encryption: KeyEncryption;
}

export interface SigningKeyRingOptions {
  /** Algorithms with an active key; the first signs `sign()`. Default `['ES256']`. */
  readonly algorithms?: readonly SigningAlgorithm[];
  /** Rotation timing (checked by the caller with checkKeyRotationSchedule). Default: see DEFAULT_KEY_ROTATION_SCHEDULE. */
  readonly schedule?: KeyRotationSchedule;
}

/** Titan's defaults: 30-day rotation, 5-minute JWKS caching, 1-day tokens at most, 30 s skew, 15 s refresh. */
export const DEFAULT_KEY_ROTATION_SCHEDULE: KeyRotationSchedule = {
  rotationPeriodSeconds: 30 * 86_400,
  jwksMaxAgeSeconds: 300,
  maxTokenLifetimeSeconds: 86_400,
  clockSkewSeconds: 30,
  propagationSeconds: 15,
};

interface ActiveSigner {
  readonly kid: string;
  /** base64url of `{"alg":…,"typ":"at+jwt","kid":…}`, computed once per key. */
  readonly encodedHeader: string;
  readonly laneKey: { readonly kid: string; readonly alg: SigningAlgorithm; readonly privateJwk: Readonly<Record<string, string>> };
}

interface RingState {
  /** kid:state of every published key: an unchanged set keeps its arrays (verifiers cache by identity). */
  readonly fingerprint: string;
  readonly signers: ReadonlyMap<SigningAlgorithm, ActiveSigner>;
  readonly published: readonly PublishedKey[];
  readonly jwks: { keys: ReadonlyArray<Readonly<Record<string, string>>> };
}

const b64uJson = (value: unknown): string => Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');

/**
 * Titan's signing keys: applies the KeyRotationPolicy to the shared repository (next → active →
 * retired → removed, on schedule, on demand, or by emergency revocation), signs access tokens with
 * each algorithm's active key through the crypto lane, and publishes next, active and retired keys
 * as the JWKS. Every change goes through `repository.transact`, which serialises instances, so of
 * several instances ticking at once exactly one makes each transition; `tick()` also reloads, so
 * every instance sees the others' changes within one tick.
 *
 * @example
 * const ring = new SigningKeyRing({ repository, lane, clock, encryption }, { algorithms: ['ES256'], schedule });
 * await ring.init();              // creates the first key if there is none
 * setInterval(() => ring.tick(), schedule.propagationSeconds * 1000).unref();
 * const token = await ring.sign(claims);
 */
export class SigningKeyRing implements TokenSigner, JwksSource, PublishedKeySource, SigningKeyLifecycle {
  readonly policy: KeyRotationPolicy;
  private readonly algs: readonly SigningAlgorithm[];
  private state: RingState | null = null;

  constructor(
    private readonly deps: SigningKeyRingDependencies,
    options: SigningKeyRingOptions = {},
  ) {
    this.algs = options.algorithms?.length ? [...new Set(options.algorithms)] : ['ES256'];
    for (const alg of this.algs) {
      if (alg !== 'ES256' && alg !== 'RS256') throw new Error(`unsupported signing algorithm ${String(alg)}`);
    }
    this.policy = new KeyRotationPolicy(options.schedule ?? DEFAULT_KEY_ROTATION_SCHEDULE);
  }

  /** Loads the keys, creating an active key for each configured algorithm that has none. */
  async init(): Promise<AppliedKeyTransition[]> {
    const applied = await this.tick();
    for (const alg of this.algs) this.signer(alg);
    return applied;
  }

  algorithms(): readonly SigningAlgorithm[] {
    return this.algs;
  }

  /**
   * Applies the scheduled transitions that are due, then reloads. A lock-free read first: when
   * nothing is due (nearly always) this is one SELECT and no transaction.
   */
  async tick(cause: KeyChangeCause = SCHEDULE): Promise<AppliedKeyTransition[]> {
    const snapshot = await this.deps.repository.list();
    if (this.policy.scheduled(snapshot, this.algs, this.deps.clock.now()).length === 0) {
      this.state = this.build(snapshot);
      return [];
    }
    return (await this.apply((keys, now) => this.policy.scheduled(keys, this.algs, now), cause)) ?? [];
  }

  /** On-demand rotation: publishes (or brings forward) a successor; it signs after one publication lead. */
  async rotate(algorithms: readonly SigningAlgorithm[] = this.algs, cause: KeyChangeCause = ON_DEMAND): Promise<AppliedKeyTransition[]> {
    const unknown = algorithms.find((alg) => !this.algs.includes(alg));
    if (unknown) throw new Error(`${unknown} is not a configured signing algorithm`);
    const applied = (await this.apply((keys, now) => this.policy.onDemand(keys, algorithms, now), cause)) ?? [];
    // A successor that was already published long enough activates right away.
    return [...applied, ...(await this.tick(cause))];
  }

  /** Emergency revocation; null when no published key has this kid. */
  revoke(kid: string, cause: KeyChangeCause = REVOKED): Promise<AppliedKeyTransition[] | null> {
    return this.apply((keys, now) => this.policy.revoke(keys, kid, now), cause);
  }

  /** Re-reads the repository (after a change elsewhere). Keeps the current keys if the new set is unusable. */
  async reload(): Promise<void> {
    this.state = this.build(await this.deps.repository.list());
  }

  /** kid of the key signing `alg` tokens (default: the primary algorithm). */
  activeKid(alg: SigningAlgorithm = this.algs[0]!): string {
    return this.signer(alg).kid;
  }

  /** Signs with the primary algorithm's active key (ES256 unless configured otherwise). */
  sign(claims: TokenClaim): Promise<string> {
    return this.signWith(this.algs[0]!, claims);
  }

  /** Signs with the active key of a given algorithm (e.g. RS256 for a legacy verifier). */
  async signWith(alg: SigningAlgorithm, claims: TokenClaim): Promise<string> {
    const signer = this.signer(alg);
    const signingInput = `${signer.encodedHeader}.${b64uJson(claims)}`;
    const signature = await this.deps.lane.sign({ key: signer.laneKey, data: Buffer.from(signingInput, 'ascii') });
    return `${signingInput}.${Buffer.from(signature.buffer, signature.byteOffset, signature.byteLength).toString('base64url')}`;
  }

  async jwks(): Promise<{ keys: ReadonlyArray<Readonly<Record<string, string>>> }> {
    return this.current().jwks;
  }

  /** The JWKS max-age of the schedule: the policy's publication lead is built on it. */
  cacheMaxAgeSeconds(): number {
    return this.policy.schedule.jwksMaxAgeSeconds;
  }

  /** Next, active and retired keys: what the JWKS shows and what Titan's own verifier trusts. */
  publishedKeys(): readonly PublishedKey[] {
    return this.current().published;
  }

  /**
   * Decides on fresh keys inside the repository's serialised transaction, creates the keys the
   * plan needs, saves everything at once, then reloads. Null when `plan` answers null.
   */
  private async apply(plan: (keys: readonly StoredSigningKey[], now: Date) => KeyTransition[] | null, cause: KeyChangeCause): Promise<AppliedKeyTransition[] | null> {
    const applied = await this.deps.repository.transact(async (keys) => {
      const now = this.deps.clock.now();
      const steps = plan(keys, now);
      const inserts: StoredSigningKey[] = [];
      const updates = new Map<string, StoredSigningKey>();
      const result: AppliedKeyTransition[] = [];
      for (const step of steps ?? []) {
        if (step.kind === 'create' || step.kind === 'publish') {
          const key = await this.newKey(step.alg, now, step.kind === 'create' ? null : step.activatesAt);
          inserts.push(key);
          result.push({ kind: step.kind, kid: key.kid, alg: step.alg, at: now, ...(step.kind === 'publish' && { activatesAt: step.activatesAt }) });
          continue;
        }
        const current = updates.get(step.kid) ?? keys.find((k) => k.kid === step.kid);
        if (!current) throw new Error(`signing key ${step.kid} vanished during a lifecycle change`);
        let changed = applyKeyTransition(current, step, now);
        // A key that can never sign again does not keep its private half, even encrypted.
        if (step.kind === 'remove' || step.kind === 'revoke') changed = { ...changed, encryptedPrivateKey: '' };
        updates.set(step.kid, changed);
        result.push({
          kind: step.kind, kid: step.kid, alg: step.alg, at: now,
          ...(step.kind === 'reschedule' && { activatesAt: step.activatesAt }),
          ...(step.kind === 'activate' && { early: step.early }),
        });
      }
      // The audit entries go into the same transaction as the changes they record.
      return { inserts, updates: [...updates.values()], result: steps ? result : null, audit: keyTransitionAuditEvents(result, cause) };
    });
    await this.reload();
    return applied;
  }

  private async newKey(alg: SigningAlgorithm, now: Date, activatesAt: Date | null): Promise<StoredSigningKey> {
    const generated = await generateSigningKey(alg);
    const active = activatesAt === null;
    return {
      kid: generated.kid,
      alg,
      state: active ? 'active' : 'next',
      publicJwk: generated.publicJwk,
      createdAt: now,
      activatesAt,
      activatedAt: active ? now : null,
      retiredAt: null,
      removedAt: null,
      encryptedPrivateKey: this.deps.encryption.encrypt(generated.kid, generated.privateJwk),
    };
  }

  private signer(alg: SigningAlgorithm): ActiveSigner {
    const signer = this.current().signers.get(alg);
    if (!signer) throw new Error(`no active ${alg} signing key is configured`);
    return signer;
  }

  private current(): RingState {
    if (!this.state) throw new Error('SigningKeyRing.init() has not completed');
    return this.state;
  }

  private build(keys: readonly StoredSigningKey[]): RingState {
    const live = keys.filter((k) => isPublishedSigningKeyState(k.state));
    const fingerprint = live.map((k) => `${k.kid}:${k.state}`).join(',');
    const previous = this.state;
    let published: readonly PublishedKey[];
    let jwks: RingState['jwks'];
    if (previous && previous.fingerprint === fingerprint) {
      ({ published, jwks } = previous);
    } else {
      published = Object.freeze(live.map((key) => {
        // Re-derive the published form from the key members alone: a stray private member in storage
        // can never reach the JWKS, and a row whose kid is not its thumbprint is refused.
        const publicJwk = publicJwkOf(key.publicJwk, key.kid, key.alg);
        if (jwkThumbprint(publicJwk) !== key.kid) throw new Error(`signing key ${key.kid}: kid is not the key's thumbprint`);
        return { kid: key.kid, alg: key.alg, state: key.state, publicJwk: Object.freeze(publicJwk) };
      }));
      jwks = { keys: published.map((k) => k.publicJwk) };
    }
    const signers = new Map<SigningAlgorithm, ActiveSigner>();
    for (const alg of this.algs) {
      const key = activeOf(keys, alg);
      if (!key) throw new Error(`no active ${alg} signing key in the repository`);
      const reused = previous?.signers.get(alg);
      signers.set(alg, reused?.kid === key.kid ? reused : this.signerOf(key));
    }
    return { fingerprint, signers, published, jwks };
  }

  private signerOf(key: StoredSigningKey): ActiveSigner {
    const privateJwk = this.deps.encryption.decrypt(key.kid, key.encryptedPrivateKey);
    for (const member of PUBLIC_JWK_MEMBERS[privateJwk['kty'] ?? ''] ?? ['kty']) {
      if (privateJwk[member] !== key.publicJwk[member]) throw new Error(`signing key ${key.kid}: private key does not match its public key`);
    }
    return {
      kid: key.kid,
      encodedHeader: b64uJson({ alg: key.alg, typ: ACCESS_TOKEN_TYPE, kid: key.kid }),
      laneKey: Object.freeze({ kid: key.kid, alg: key.alg, privateJwk: Object.freeze(privateJwk) }),
    };
  }
}

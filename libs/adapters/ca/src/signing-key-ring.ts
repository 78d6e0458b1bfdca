import type { Clock, CryptoLane, JwksSource, SigningKeyRepository, StoredSigningKey, TokenSigner } from '@titan/application';
import { ACCESS_TOKEN_TYPE, type SigningAlgorithm, type SigningKeyState, type TokenClaim } from '@titan/domain';
import type { KeyEncryption } from './key-encryption';
import { generateSigningKey, jwkThumbprint, PUBLIC_JWK_MEMBERS, publicJwkOf } from './signing-key.generator';

/** A key as resource servers see it. */
export interface PublishedKey {
  readonly kid: string;
  readonly alg: SigningAlgorithm;
  readonly state: SigningKeyState;
  readonly publicJwk: Readonly<Record<string, string>>;
}

/** Where a verifier finds Titan's published keys; the array is replaced (never mutated) on reload. */
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
  /** JWKS `Cache-Control: max-age` (default 300). */
  readonly cacheMaxAgeSeconds?: number;
}

interface ActiveSigner {
  readonly kid: string;
  /** base64url of `{"alg":…,"typ":"at+jwt","kid":…}`, computed once per key. */
  readonly encodedHeader: string;
  readonly laneKey: { readonly kid: string; readonly alg: SigningAlgorithm; readonly privateJwk: Readonly<Record<string, string>> };
}

interface RingState {
  readonly signers: ReadonlyMap<SigningAlgorithm, ActiveSigner>;
  readonly published: readonly PublishedKey[];
  readonly jwks: { keys: ReadonlyArray<Readonly<Record<string, string>>> };
}

const b64uJson = (value: unknown): string => Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
const DEFAULT_CACHE_MAX_AGE_SECONDS = 300;

/**
 * Titan's signing keys: loads them from the shared repository, creates the first key when there is
 * none (of racing instances exactly one wins, the others adopt its key), signs access tokens through
 * the crypto lane and publishes the public halves as the JWKS.
 *
 * @example
 * const ring = new SigningKeyRing({ repository, lane, clock, encryption });
 * await ring.init();
 * const token = await ring.sign(claims);
 */
export class SigningKeyRing implements TokenSigner, JwksSource, PublishedKeySource {
  private readonly algorithms: readonly SigningAlgorithm[];
  private readonly maxAge: number;
  private state: RingState | null = null;

  constructor(
    private readonly deps: SigningKeyRingDependencies,
    options: SigningKeyRingOptions = {},
  ) {
    this.algorithms = options.algorithms?.length ? [...new Set(options.algorithms)] : ['ES256'];
    for (const alg of this.algorithms) {
      if (alg !== 'ES256' && alg !== 'RS256') throw new Error(`unsupported signing algorithm ${String(alg)}`);
    }
    this.maxAge = options.cacheMaxAgeSeconds ?? DEFAULT_CACHE_MAX_AGE_SECONDS;
    if (!Number.isInteger(this.maxAge) || this.maxAge < 0) throw new Error('cacheMaxAgeSeconds must be a non-negative integer');
  }

  /** Loads the keys, creating an active key for each configured algorithm that has none. */
  async init(): Promise<void> {
    let keys = await this.deps.repository.list();
    for (const alg of this.algorithms) {
      if (activeKeyOf(keys, alg)) continue;
      const generated = await generateSigningKey(alg);
      const now = this.deps.clock.now();
      // false means another instance inserted its active key first: reload and adopt that one.
      await this.deps.repository.insert({
        kid: generated.kid,
        alg,
        state: 'active',
        publicJwk: generated.publicJwk,
        createdAt: now,
        activatedAt: now,
        retiredAt: null,
        encryptedPrivateKey: this.deps.encryption.encrypt(generated.kid, generated.privateJwk),
      });
      keys = await this.deps.repository.list();
      if (!activeKeyOf(keys, alg)) throw new Error(`no active ${alg} signing key after creating one`);
    }
    this.state = this.build(keys);
  }

  /** Re-reads the repository (after a rotation elsewhere). Keeps the current keys if the new set is unusable. */
  async reload(): Promise<void> {
    this.state = this.build(await this.deps.repository.list());
  }

  /** kid of the key signing `alg` tokens (default: the primary algorithm). */
  activeKid(alg: SigningAlgorithm = this.algorithms[0]!): string {
    return this.signer(alg).kid;
  }

  /** Signs with the primary algorithm's active key (ES256 unless configured otherwise). */
  sign(claims: TokenClaim): Promise<string> {
    return this.signWith(this.algorithms[0]!, claims);
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

  cacheMaxAgeSeconds(): number {
    return this.maxAge;
  }

  publishedKeys(): readonly PublishedKey[] {
    return this.current().published;
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
    const published: PublishedKey[] = keys.map((key) => {
      // Re-derive the published form from the key members alone: a stray private member in storage
      // can never reach the JWKS, and a row whose kid is not its thumbprint is refused.
      const publicJwk = publicJwkOf(key.publicJwk, key.kid, key.alg);
      if (jwkThumbprint(publicJwk) !== key.kid) throw new Error(`signing key ${key.kid}: kid is not the key's thumbprint`);
      return { kid: key.kid, alg: key.alg, state: key.state, publicJwk: Object.freeze(publicJwk) };
    });
    const signers = new Map<SigningAlgorithm, ActiveSigner>();
    for (const alg of this.algorithms) {
      const key = activeKeyOf(keys, alg);
      if (!key) throw new Error(`no active ${alg} signing key in the repository`);
      const privateJwk = this.deps.encryption.decrypt(key.kid, key.encryptedPrivateKey);
      for (const member of PUBLIC_JWK_MEMBERS[privateJwk['kty'] ?? ''] ?? ['kty']) {
        if (privateJwk[member] !== key.publicJwk[member]) throw new Error(`signing key ${key.kid}: private key does not match its public key`);
      }
      signers.set(alg, {
        kid: key.kid,
        encodedHeader: b64uJson({ alg, typ: ACCESS_TOKEN_TYPE, kid: key.kid }),
        laneKey: Object.freeze({ kid: key.kid, alg, privateJwk: Object.freeze(privateJwk) }),
      });
    }
    return { signers, published, jwks: { keys: published.map((k) => k.publicJwk) } };
  }
}

/** The active key of an algorithm; if storage ever holds several, the most recently activated. */
function activeKeyOf(keys: readonly StoredSigningKey[], alg: SigningAlgorithm): StoredSigningKey | undefined {
  return keys
    .filter((k) => k.alg === alg && k.state === 'active')
    .sort((a, b) => (b.activatedAt?.getTime() ?? 0) - (a.activatedAt?.getTime() ?? 0))[0];
}

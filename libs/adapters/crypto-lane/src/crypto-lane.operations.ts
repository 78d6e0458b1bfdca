import { constants, createHash, createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { thumbprintInput, type EcPublicJwk } from '@titan/domain';
import { isWellFormedP1363 } from './ecdsa-p256';
import { LruCache } from './lru-cache';

export type LaneAlgorithm = 'ES256' | 'RS256';

export interface CryptoOperationsOptions {
  /** Parsed public keys kept, by thumbprint (default 10 000). */
  readonly publicKeyCacheSize?: number;
  /** Parsed private signing keys kept, by kid (default 64). */
  readonly privateKeyCacheSize?: number;
}

export const DEFAULT_PUBLIC_KEY_CACHE_SIZE = 10_000;
export const DEFAULT_PRIVATE_KEY_CACHE_SIZE = 64;
const MIN_RSA_BITS = 2048;

interface PublicEntry {
  readonly key: KeyObject;
  readonly x: string;
  readonly y: string;
}

interface PrivateEntry {
  readonly alg: LaneAlgorithm;
  /** The private scalar/exponent the entry was parsed from, so a reused kid can never hit a stale key. */
  readonly d: string;
  readonly key: KeyObject;
}

const isString = (v: unknown): v is string => typeof v === 'string';

/**
 * The synchronous crypto both lanes run (inline on the event loop, or inside each worker thread).
 * Parsing a key costs 2-4x a verification, so parsed KeyObjects are cached: public keys by RFC 7638
 * thumbprint (content-addressed: a key is only accepted under its own thumbprint, so entries are never stale),
 * private keys by kid.
 */
export class CryptoOperations {
  private readonly publicKeys: LruCache<string, PublicEntry>;
  private readonly privateKeys: LruCache<string, PrivateEntry>;

  constructor(options: CryptoOperationsOptions = {}) {
    this.publicKeys = new LruCache(options.publicKeyCacheSize ?? DEFAULT_PUBLIC_KEY_CACHE_SIZE);
    this.privateKeys = new LruCache(options.privateKeyCacheSize ?? DEFAULT_PRIVATE_KEY_CACHE_SIZE);
  }

  /** ECDSA P-256 / SHA-256 over `data` with a P1363 signature. Never throws: garbage is just false. */
  verifyEs256(thumbprint: string, jwk: EcPublicJwk, data: Uint8Array, signature: Uint8Array): boolean {
    try {
      if (!isWellFormedP1363(signature)) return false;
      const key = this.publicKey(thumbprint, jwk);
      if (!key) return false;
      return verify('sha256', data, { key, dsaEncoding: 'ieee-p1363' }, signature);
    } catch {
      return false;
    }
  }

  /** JWS signature: ES256 as P1363 `r || s`, RS256 as RSASSA-PKCS1-v1_5 with SHA-256. */
  sign(kid: string, alg: LaneAlgorithm, privateJwk: Readonly<Record<string, string>>, data: Uint8Array): Uint8Array {
    const key = this.privateKey(kid, alg, privateJwk);
    return alg === 'ES256'
      ? sign('sha256', data, { key, dsaEncoding: 'ieee-p1363' })
      : sign('sha256', data, { key, padding: constants.RSA_PKCS1_PADDING });
  }

  /**
   * The parsed key for a thumbprint, or null when the key is unusable or the thumbprint is not the
   * RFC 7638 thumbprint of `jwk` (so the answer never depends on what happens to be cached).
   */
  private publicKey(thumbprint: string, jwk: EcPublicJwk): KeyObject | null {
    if (jwk?.kty !== 'EC' || jwk.crv !== 'P-256' || !isString(jwk.x) || !isString(jwk.y)) return null;
    const cached = this.publicKeys.get(thumbprint);
    if (cached) return cached.x === jwk.x && cached.y === jwk.y ? cached.key : null;
    const members: EcPublicJwk = { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y };
    if (createHash('sha256').update(thumbprintInput(members)).digest('base64url') !== thumbprint) return null;
    // createPublicKey checks the point is on the curve.
    const key = createPublicKey({ key: { ...members }, format: 'jwk' });
    this.publicKeys.set(thumbprint, { key, x: jwk.x, y: jwk.y });
    return key;
  }

  private privateKey(kid: string, alg: LaneAlgorithm, jwk: Readonly<Record<string, string>>): KeyObject {
    const d = jwk['d'];
    if (!isString(d)) throw new Error(`signing key ${kid} has no private member`);
    const cached = this.privateKeys.get(kid);
    if (cached && cached.alg === alg && cached.d === d) return cached.key;
    const key = createPrivateKey({ key: { ...jwk }, format: 'jwk' });
    const details = key.asymmetricKeyDetails;
    const fits =
      alg === 'ES256'
        ? key.asymmetricKeyType === 'ec' && details?.namedCurve === 'prime256v1'
        : key.asymmetricKeyType === 'rsa' && (details?.modulusLength ?? 0) >= MIN_RSA_BITS;
    // Say which key, never what is in it.
    if (!fits) throw new Error(`signing key ${kid} does not fit algorithm ${alg}`);
    this.privateKeys.set(kid, { alg, d, key });
    return key;
  }
}

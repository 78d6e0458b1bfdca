import type { webcrypto } from 'node:crypto';
import type { ProofSigner } from './proof-signer';

// Type-only: the same interfaces as the browser's, erased at compile time.
type CryptoKey = webcrypto.CryptoKey;
type SubtleCrypto = webcrypto.SubtleCrypto;

/** The members of a P-256 private JWK that signing needs. */
export interface EcPrivateJwk {
  readonly kty?: string;
  readonly crv?: string;
  readonly x?: string;
  readonly y?: string;
  readonly d?: string;
}

const ECDSA_P256 = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const ECDSA_SHA256 = { name: 'ECDSA', hash: 'SHA-256' } as const;

function defaultSubtle(): SubtleCrypto {
  const subtle = (globalThis as { crypto?: { subtle?: SubtleCrypto } }).crypto?.subtle;
  if (!subtle) throw new TypeError('WebCrypto (crypto.subtle) is not available in this runtime; use NobleSigner');
  return subtle;
}

/**
 * Signs with WebCrypto, which already produces IEEE P1363 signatures for ECDSA. Works in browsers,
 * Deno, Bun, Cloudflare Workers and Node. Prefer a non-extractable `CryptoKey`.
 *
 * @example
 * const signer = await WebCryptoSigner.fromJwk(privateJwk);
 * const client = new TitanClient({ baseUrl, identityId: 'billing', signer });
 */
export class WebCryptoSigner implements ProofSigner {
  constructor(
    private readonly key: CryptoKey,
    private readonly subtle: SubtleCrypto = defaultSubtle(),
  ) {
    const algorithm = key.algorithm as { name?: string; namedCurve?: string };
    if (key.type !== 'private' || algorithm.name !== 'ECDSA' || algorithm.namedCurve !== 'P-256' || !key.usages.includes('sign')) {
      throw new TypeError('WebCryptoSigner needs an ECDSA P-256 private CryptoKey with the "sign" usage');
    }
  }

  /** Imports a private JWK as a non-extractable signing key. */
  static async fromJwk(jwk: EcPrivateJwk, subtle: SubtleCrypto = defaultSubtle()): Promise<WebCryptoSigner> {
    if (jwk.kty !== 'EC' || jwk.crv !== 'P-256' || typeof jwk.d !== 'string') {
      throw new TypeError('privateKey must be an EC P-256 private JWK (with "d")');
    }
    // Only the key members: `use`/`key_ops`/`alg` from a file could make importKey refuse a good key.
    const bare = { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y, d: jwk.d };
    let key: CryptoKey;
    try {
      key = await subtle.importKey('jwk', bare, ECDSA_P256, false, ['sign']);
    } catch {
      throw new TypeError('privateKey is not a valid EC P-256 private JWK');
    }
    return new WebCryptoSigner(key, subtle);
  }

  async sign(message: Uint8Array): Promise<Uint8Array> {
    return new Uint8Array(await this.subtle.sign(ECDSA_SHA256, this.key, message as Uint8Array<ArrayBuffer>));
  }
}

/** A signer that imports the JWK on first use, so constructors can stay synchronous. */
export function lazyWebCryptoSigner(jwk: EcPrivateJwk): ProofSigner {
  let signer: Promise<WebCryptoSigner> | undefined;
  return {
    sign: async (message) => (await (signer ??= WebCryptoSigner.fromJwk(jwk))).sign(message),
  };
}

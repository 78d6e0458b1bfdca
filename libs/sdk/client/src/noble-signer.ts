import { decodeBase64UrlOfLength } from '@titan/domain';
import type { ProofSigner } from './proof-signer';
import type { EcPrivateJwk } from './webcrypto-signer';

/**
 * Signs with @noble/curves (pure JavaScript): for runtimes without WebCrypto ECDSA. The library is
 * loaded on first use, so nobody else pays for it. Signatures are low-S, which every verifier accepts.
 *
 * @example
 * const client = new TitanClient({ baseUrl, identityId: 'edge-fn', signer: new NobleSigner(privateJwk) });
 */
export class NobleSigner implements ProofSigner {
  private readonly secret: Uint8Array;

  constructor(privateKey: EcPrivateJwk | Uint8Array) {
    if (privateKey instanceof Uint8Array) {
      if (privateKey.length !== 32) throw new TypeError('a P-256 private scalar is 32 bytes');
      this.secret = privateKey;
      return;
    }
    const d = privateKey.kty === 'EC' && privateKey.crv === 'P-256' && typeof privateKey.d === 'string'
      ? decodeBase64UrlOfLength(privateKey.d, 32, 'd')
      : undefined;
    if (!d?.ok) throw new TypeError('privateKey must be an EC P-256 private JWK (with "d")');
    this.secret = d.value;
  }

  async sign(message: Uint8Array): Promise<Uint8Array> {
    const { p256 } = await import('@noble/curves/nist.js');
    // prehash: SHA-256 of the message, as ES256 does; compact is r || s (P1363).
    return p256.sign(message, this.secret, { prehash: true, format: 'compact' });
  }
}

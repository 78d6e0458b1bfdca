import { createPrivateKey, createPublicKey, sign, verify } from 'node:crypto';
import type { CryptoLane, SignRequest, VerifyRequest } from '@titan/application';

/**
 * Test double of the CryptoLane port on plain node:crypto (the CA may not import the crypto-lane
 * adapter). Counts signatures so tests can see the ring goes through the lane.
 */
export class NodeCryptoLane implements CryptoLane {
  signCount = 0;

  async verify(request: VerifyRequest): Promise<boolean> {
    try {
      const key = createPublicKey({ key: { ...request.key.jwk }, format: 'jwk' });
      return verify('sha256', request.data, { key, dsaEncoding: 'ieee-p1363' }, request.signature);
    } catch {
      return false;
    }
  }

  async sign(request: SignRequest): Promise<Uint8Array> {
    this.signCount++;
    const key = createPrivateKey({ key: { ...request.key.privateJwk }, format: 'jwk' });
    return request.key.alg === 'ES256' ? sign('sha256', request.data, { key, dsaEncoding: 'ieee-p1363' }) : sign('sha256', request.data, key);
  }

  async close(): Promise<void> {}
}

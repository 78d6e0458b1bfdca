import type { CryptoLane, SignRequest, VerifyRequest } from '@titan/application';
import { CryptoOperations, type CryptoOperationsOptions } from './crypto-lane.operations';

export type InlineCryptoLaneOptions = CryptoOperationsOptions;

/**
 * Runs verification and signing on the calling thread. No hop, no copy: the fastest lane while the
 * event loop has headroom (one P-256 verify is tens of microseconds once the key is parsed).
 */
export class InlineCryptoLane implements CryptoLane {
  private readonly operations: CryptoOperations;

  constructor(options: InlineCryptoLaneOptions = {}) {
    this.operations = new CryptoOperations(options);
  }

  async verify(request: VerifyRequest): Promise<boolean> {
    try {
      return this.operations.verifyEs256(request.key.thumbprint, request.key.jwk, request.data, request.signature);
    } catch {
      return false; // a malformed request is a failed verification, never an exception
    }
  }

  async sign(request: SignRequest): Promise<Uint8Array> {
    return this.operations.sign(request.key.kid, request.key.alg, request.key.privateJwk, request.data);
  }

  async close(): Promise<void> {
    // Nothing to release.
  }
}

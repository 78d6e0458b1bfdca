import { encodeBase64Url } from '../shared/base64url';

/** Bytes of entropy in a challenge nonce (PRODUCT.md section 4). */
export const NONCE_BYTES = 32;

/** A single-use random value the client must sign; always 32 bytes, carried as base64url. */
export class Nonce {
  private constructor(readonly value: string) {}

  static fromBytes(bytes: Uint8Array): Nonce {
    if (bytes.length !== NONCE_BYTES) throw new RangeError(`a nonce needs ${NONCE_BYTES} random bytes`);
    return new Nonce(encodeBase64Url(bytes));
  }

  static restore(value: string): Nonce {
    return new Nonce(value);
  }
}

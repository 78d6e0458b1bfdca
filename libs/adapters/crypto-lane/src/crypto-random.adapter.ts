import { randomBytes } from 'node:crypto';
import type { Random } from '@titan/application';

/** CSPRNG bytes from OpenSSL via node:crypto. */
export class CryptoRandom implements Random {
  bytes(length: number): Uint8Array {
    // A fresh Uint8Array (not a pooled Buffer slice) so callers may keep or transfer it safely.
    return new Uint8Array(randomBytes(length));
  }
}

import { randomFillSync } from 'node:crypto';
import type { Random } from '@titan/application';

/** Bytes drawn from OpenSSL per refill: one call serves a few hundred ids and nonces. */
const POOL_BYTES = 8192;

/**
 * CSPRNG bytes from OpenSSL via node:crypto. Each OpenSSL call has a fixed cost well above that of
 * the 16 or 32 bytes the hot path asks for (three times per handshake), so bytes are drawn in
 * blocks and handed out in order, each byte exactly once (as Node does for randomUUID).
 */
export class CryptoRandom implements Random {
  private readonly pool = new Uint8Array(POOL_BYTES);
  private offset = POOL_BYTES;

  bytes(length: number): Uint8Array {
    if (length > POOL_BYTES / 4) return randomFillSync(new Uint8Array(length));
    if (this.offset + length > POOL_BYTES) {
      randomFillSync(this.pool);
      this.offset = 0;
    }
    // A fresh Uint8Array (a copy, never a view on the pool) so callers may keep or transfer it safely.
    const out = this.pool.slice(this.offset, this.offset + length);
    this.pool.fill(0, this.offset, this.offset + length); // handed-out bytes do not linger
    this.offset += length;
    return out;
  }
}

import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import type { Mac, MacPurpose } from '@titan/application';

const PURPOSES: readonly MacPurpose[] = ['client-secret', 'dpop-nonce', 'decoy-challenge'];
const SALT = 'titan-mac-v1';
/** HKDF info that turns the key-encryption key into a pepper when no `TITAN_SECRET_PEPPER` is set. */
const PEPPER_FROM_KEK_INFO = 'titan secret pepper from kek v1';
export const PEPPER_BYTES = 32;

const hkdf = (key: Uint8Array, info: string): Buffer => Buffer.from(hkdfSync('sha256', key, SALT, info, PEPPER_BYTES));

/**
 * HMAC-SHA-256 with one key per purpose, each derived from the server pepper with HKDF-SHA-256, so
 * a client-secret hash can never be replayed as a DPoP nonce tag. Verification is constant-time.
 *
 * @example
 * const mac = new HmacMac(Buffer.from(process.env.TITAN_SECRET_PEPPER!, 'base64url'));
 */
export class HmacMac implements Mac {
  private readonly keys: ReadonlyMap<MacPurpose, Buffer>;

  constructor(pepper: Uint8Array) {
    if (pepper.length < PEPPER_BYTES) throw new RangeError(`the pepper must be at least ${PEPPER_BYTES} bytes`);
    this.keys = new Map(PURPOSES.map((purpose) => [purpose, hkdf(pepper, purpose)]));
  }

  /** Embedded mode without `TITAN_SECRET_PEPPER`: a pepper derived from the key-encryption key. */
  static fromKeyEncryptionKey(kek: Uint8Array): HmacMac {
    return new HmacMac(hkdf(kek, PEPPER_FROM_KEK_INFO));
  }

  compute(purpose: MacPurpose, data: Uint8Array): Uint8Array {
    return new Uint8Array(createHmac('sha256', this.key(purpose)).update(data).digest());
  }

  verify(purpose: MacPurpose, data: Uint8Array, tag: Uint8Array): boolean {
    const expected = createHmac('sha256', this.key(purpose)).update(data).digest();
    return tag.length === expected.length && timingSafeEqual(expected, tag);
  }

  private key(purpose: MacPurpose): Buffer {
    const key = this.keys.get(purpose);
    if (!key) throw new Error(`no MAC key for purpose ${String(purpose)}`);
    return key;
  }
}

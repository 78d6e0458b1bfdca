import { decodeBase64Url, encodeBase64Url } from '@titan/domain';
import type { Mac } from '../ports/mac.port';
import type { Random } from '../ports/random.port';

/** 256-bit secrets (PRODUCT.md section 5). */
export const CLIENT_SECRET_BYTES = 32;
/** Prefix of the stored form, so the scheme can change without guessing. */
const STORED_PREFIX = 'hmac-sha256:';
const MAX_SECRET_LENGTH = 256;
const encoder = new TextEncoder();

/**
 * Client secrets of legacy clients: random, shown once, stored as HMAC-SHA-256 under the server
 * pepper (`hmac-sha256:<base64url>`), compared in constant time.
 */
export class ClientSecrets {
  constructor(
    private readonly mac: Mac,
    private readonly random: Random,
  ) {}

  /** A new secret and the hash to store. The secret itself is never stored. */
  generate(): { secret: string; storedHash: string } {
    const secret = encodeBase64Url(this.random.bytes(CLIENT_SECRET_BYTES));
    return { secret, storedHash: this.hash(secret) };
  }

  hash(secret: string): string {
    return STORED_PREFIX + encodeBase64Url(this.mac.compute('client-secret', encoder.encode(secret)));
  }

  /**
   * Constant-time check of a presented secret against a stored hash. With no stored hash the MAC is
   * still computed (against a dummy tag), so unknown clients cost the same as wrong secrets.
   */
  matches(presented: string, storedHash: string | null): boolean {
    const data = encoder.encode(presented.slice(0, MAX_SECRET_LENGTH));
    const tag = storedHash?.startsWith(STORED_PREFIX) ? decodeBase64Url(storedHash.slice(STORED_PREFIX.length)) : null;
    const usable = tag?.ok === true && tag.value.length === 32;
    const verified = this.mac.verify('client-secret', data, usable ? tag.value : new Uint8Array(32));
    return usable && verified && presented.length <= MAX_SECRET_LENGTH;
  }
}

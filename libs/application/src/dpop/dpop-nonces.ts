import { decodeBase64Url, encodeBase64Url } from '@titan/domain';
import type { Clock } from '../ports/clock.port';
import type { Mac } from '../ports/mac.port';
import type { Random } from '../ports/random.port';
import type { ReplayStore } from '../ports/replay-store.port';

const EXPIRY_BYTES = 4;
const RANDOM_BYTES = 16;
const TAG_BYTES = 32;
const BODY_BYTES = EXPIRY_BYTES + RANDOM_BYTES;

/**
 * Server-provided DPoP nonces (RFC 9449 section 8): `base64url(expiry || random || HMAC)`, so any
 * instance can check one it did not issue without shared state, and single use through the
 * ReplayStore (shared in production), so a nonce redeemed at one instance is dead at all.
 */
export class DpopNonces {
  constructor(
    private readonly mac: Mac,
    private readonly random: Random,
    private readonly clock: Clock,
    private readonly replays: ReplayStore,
    private readonly ttlSeconds: number,
  ) {}

  issue(): string {
    const body = new Uint8Array(BODY_BYTES);
    new DataView(body.buffer).setUint32(0, this.nowSeconds() + this.ttlSeconds);
    body.set(this.random.bytes(RANDOM_BYTES), EXPIRY_BYTES);
    const out = new Uint8Array(BODY_BYTES + TAG_BYTES);
    out.set(body);
    out.set(this.mac.compute('dpop-nonce', body), BODY_BYTES);
    return encodeBase64Url(out);
  }

  /** True once for a nonce this deployment issued and that has not expired; false ever after. */
  async redeem(nonce: string): Promise<boolean> {
    const decoded = decodeBase64Url(nonce);
    if (!decoded.ok || decoded.value.length !== BODY_BYTES + TAG_BYTES) return false;
    const body = decoded.value.subarray(0, BODY_BYTES);
    if (!this.mac.verify('dpop-nonce', body, decoded.value.subarray(BODY_BYTES))) return false;
    const remaining = new DataView(body.buffer, body.byteOffset).getUint32(0) - this.nowSeconds();
    if (remaining <= 0) return false;
    return this.replays.markOnce(`dpop-nonce:${nonce}`, remaining);
  }

  private nowSeconds(): number {
    return Math.floor(this.clock.now().getTime() / 1000);
  }
}

import { decodeBase64Url, encodeBase64Url } from '@titan/domain';
import type { Clock } from '../ports/clock.port';
import type { Mac } from '../ports/mac.port';
import type { Random } from '../ports/random.port';
import type { ReplayStore } from '../ports/replay-store.port';

const RANDOM_BYTES = 12;
const EXPIRY_BYTES = 4;
const TAG_BYTES = 4;
const ID_BYTES = RANDOM_BYTES + EXPIRY_BYTES + TAG_BYTES;
const encoder = new TextEncoder();

/**
 * Challenge ids that let a decoy be recognised without storing anything when it is issued
 * (PRODUCT.md section 4). Every id is `random(12) || expiry(4, seconds) || tag(4)`: a real
 * challenge's tag is random, a decoy's is an HMAC binding the id to the identity id that was asked
 * for. A proof against a live decoy then counts as a failed guess exactly once, like a bad proof
 * against a real challenge, so the proof lockout and the outstanding-challenge cap behave the same
 * whether or not the identity exists. Without the key the two kinds of id look alike.
 */
export class DecoyChallenges {
  constructor(
    private readonly mac: Mac,
    private readonly random: Random,
    private readonly replays: ReplayStore,
    private readonly clock: Clock,
  ) {}

  realId(expiresAt: Date): string {
    const id = this.body(expiresAt);
    id.set(this.random.bytes(TAG_BYTES), RANDOM_BYTES + EXPIRY_BYTES);
    return encodeBase64Url(id);
  }

  decoyId(identityId: string, expiresAt: Date): string {
    const id = this.body(expiresAt);
    id.set(this.tag(identityId, id.subarray(0, RANDOM_BYTES + EXPIRY_BYTES)), RANDOM_BYTES + EXPIRY_BYTES);
    return encodeBase64Url(id);
  }

  /**
   * True the first time a live decoy issued for `identityId` is presented; false for anything else
   * (a real id, a decoy for another identity, an expired or already presented decoy, garbage).
   */
  async redeem(challengeId: string, identityId: string): Promise<boolean> {
    const decoded = decodeBase64Url(challengeId);
    if (!decoded.ok || decoded.value.length !== ID_BYTES) return false;
    const id = decoded.value;
    const expiresAtMs = new DataView(id.buffer, id.byteOffset + RANDOM_BYTES, EXPIRY_BYTES).getUint32(0) * 1000;
    const remainingMs = expiresAtMs - this.clock.now().getTime();
    if (remainingMs <= 0) return false;
    if (!sameBytes(this.tag(identityId, id.subarray(0, RANDOM_BYTES + EXPIRY_BYTES)), id.subarray(RANDOM_BYTES + EXPIRY_BYTES))) return false;
    return this.replays.markOnce(`decoy:${challengeId}`, Math.ceil(remainingMs / 1000));
  }

  private body(expiresAt: Date): Uint8Array {
    const id = new Uint8Array(ID_BYTES);
    id.set(this.random.bytes(RANDOM_BYTES), 0);
    new DataView(id.buffer).setUint32(RANDOM_BYTES, Math.ceil(expiresAt.getTime() / 1000));
    return id;
  }

  private tag(identityId: string, body: Uint8Array): Uint8Array {
    const name = encoder.encode(identityId);
    const input = new Uint8Array(name.length + 1 + body.length);
    input.set(name, 0);
    input.set(body, name.length + 1);
    return this.mac.compute('decoy-challenge', input).subarray(0, TAG_BYTES);
  }
}

/** Constant-time comparison of two short byte strings of equal length. */
function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

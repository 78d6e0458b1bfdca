import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, randomBytes } from 'node:crypto';
import type { Mac, MacPurpose } from '../ports/mac.port';
import type { ReplayStore } from '../ports/replay-store.port';
import { DecoyChallenges } from './decoy-challenges';

const key = randomBytes(32);
const mac: Mac = {
  compute: (purpose: MacPurpose, data: Uint8Array) => new Uint8Array(createHmac('sha256', key).update(purpose).update(data).digest()),
  verify: () => { throw new Error('unused'); },
};
class MemoryReplays implements ReplayStore {
  readonly seen = new Set<string>();
  async markOnce(k: string): Promise<boolean> {
    if (this.seen.has(k)) return false;
    this.seen.add(k);
    return true;
  }
}

function setup() {
  let now = Date.parse('2026-01-01T00:00:00Z');
  const replays = new MemoryReplays();
  const decoys = new DecoyChallenges(mac, { bytes: (n) => new Uint8Array(randomBytes(n)) }, replays, { now: () => new Date(now) });
  return { decoys, replays, advance: (ms: number) => (now += ms), expires: () => new Date(now + 60_000) };
}

describe('DecoyChallenges', () => {
  it('gives real and decoy ids the same shape', () => {
    const { decoys, expires } = setup();
    const real = decoys.realId(expires());
    const decoy = decoys.decoyId('ghost', expires());
    assert.equal(real.length, decoy.length);
    assert.match(real, /^[A-Za-z0-9_-]{27}$/);
    assert.match(decoy, /^[A-Za-z0-9_-]{27}$/);
  });

  it('recognises a live decoy once, for the identity id it was issued for only', async () => {
    const { decoys, expires } = setup();
    const decoy = decoys.decoyId('ghost', expires());
    assert.equal(await decoys.redeem(decoy, 'other'), false, 'another identity id');
    assert.equal(await decoys.redeem(decoy, 'ghost'), true);
    assert.equal(await decoys.redeem(decoy, 'ghost'), false, 'a replay is not a second guess');
  });

  it('never takes a real id, an expired decoy, or garbage for a decoy', async () => {
    const { decoys, expires, advance } = setup();
    for (let i = 0; i < 200; i++) assert.equal(await decoys.redeem(decoys.realId(expires()), 'svc'), false);
    const decoy = decoys.decoyId('ghost', expires());
    advance(60_001);
    assert.equal(await decoys.redeem(decoy, 'ghost'), false, 'expired');
    for (const garbage of ['', 'short', 'A'.repeat(27), `${'A'.repeat(26)}=`, '!'.repeat(27)]) {
      assert.equal(await decoys.redeem(garbage, 'ghost'), false, garbage);
    }
  });

  it('refuses an id whose expiry was edited (the tag covers it)', async () => {
    const { decoys, expires } = setup();
    const bytes = Buffer.from(decoys.decoyId('ghost', expires()), 'base64url');
    bytes.writeUInt32BE(bytes.readUInt32BE(12) + 3600, 12);
    assert.equal(await decoys.redeem(bytes.toString('base64url'), 'ghost'), false);
  });
});

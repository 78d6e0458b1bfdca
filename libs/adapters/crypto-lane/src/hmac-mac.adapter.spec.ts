import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { HmacMac } from './hmac-mac.adapter';

describe('HmacMac', () => {
  const pepper = randomBytes(32);
  const mac = new HmacMac(pepper);
  const data = new TextEncoder().encode('a secret');

  it('is HMAC-SHA-256 under an HKDF key per purpose, verified in constant time', () => {
    const key = Buffer.from(hkdfSync('sha256', pepper, 'titan-mac-v1', 'client-secret', 32));
    const tag = mac.compute('client-secret', data);
    assert.deepEqual(Buffer.from(tag), createHmac('sha256', key).update(data).digest());
    assert.equal(mac.verify('client-secret', data, tag), true);
    assert.equal(mac.verify('dpop-nonce', data, tag), false, 'purposes have separate keys');
    assert.equal(mac.verify('client-secret', data, tag.subarray(0, 31)), false, 'length mismatch');
    const flipped = Uint8Array.from(tag);
    flipped[0]! ^= 1;
    assert.equal(mac.verify('client-secret', data, flipped), false);
  });

  it('derives a stable pepper from the key-encryption key, different from the KEK itself', () => {
    const kek = randomBytes(32);
    const a = HmacMac.fromKeyEncryptionKey(kek).compute('client-secret', data);
    assert.deepEqual(a, HmacMac.fromKeyEncryptionKey(kek).compute('client-secret', data));
    assert.notDeepEqual(a, new HmacMac(kek).compute('client-secret', data));
  });

  it('refuses a short pepper', () => {
    assert.throws(() => new HmacMac(randomBytes(16)), RangeError);
  });
});

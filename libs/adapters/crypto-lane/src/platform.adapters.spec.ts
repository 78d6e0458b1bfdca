import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CryptoRandom } from './crypto-random.adapter';
import { LruCache } from './lru-cache';
import { NodeDigest } from './node-digest.adapter';
import { SystemClock } from './system-clock.adapter';

describe('Node platform adapters', () => {
  it('SystemClock tells the current time', () => {
    const before = Date.now();
    const now = new SystemClock().now().getTime();
    assert.ok(now >= before && now <= Date.now());
  });

  it('CryptoRandom returns fresh bytes of the requested length', () => {
    const random = new CryptoRandom();
    const a = random.bytes(32);
    assert.equal(a.length, 32);
    assert.equal(a.byteOffset, 0);
    assert.equal(a.buffer.byteLength, 32);
    assert.notDeepEqual(a, random.bytes(32));
  });

  it('CryptoRandom never hands out the same bytes twice across pool refills, and serves large requests', () => {
    const random = new CryptoRandom();
    const seen = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      const b = random.bytes(16);
      assert.equal(b.buffer.byteLength, 16);
      seen.add(Buffer.from(b).toString('hex'));
    }
    assert.equal(seen.size, 2000);
    const big = random.bytes(100_000);
    assert.equal(big.length, 100_000);
    assert.ok(big.some((x) => x !== 0));
  });

  it('NodeDigest is SHA-256 as unpadded base64url', () => {
    assert.equal(new NodeDigest().sha256Base64Url('abc'), 'ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0');
  });
});

describe('LruCache', () => {
  it('evicts the least recently used entry', () => {
    const cache = new LruCache<string, number>(2);
    cache.set('a', 1);
    cache.set('b', 2);
    assert.equal(cache.get('a'), 1);
    cache.set('c', 3);
    assert.equal(cache.get('b'), undefined);
    assert.equal(cache.get('a'), 1);
    assert.equal(cache.get('c'), 3);
    assert.equal(cache.size, 2);
  });

  it('refuses a non-positive capacity', () => {
    assert.throws(() => new LruCache(0));
  });
});

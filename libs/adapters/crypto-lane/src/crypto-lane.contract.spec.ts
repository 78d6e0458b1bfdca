import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { constants, generateKeyPairSync, randomBytes, sign as nodeSign, verify as nodeVerify } from 'node:crypto';
import type { CryptoLane } from '@titan/application';
import { createCryptoLane, type CryptoLaneKind } from './crypto-lane.factory';
import { P256_ORDER } from './ecdsa-p256';
import { ecKey, thumbprintOf } from './testing/keys.fixture';

const message = new TextEncoder().encode('titan-pop-v1\nhttp://localhost:8000\nsvc\nchallenge\nnonce');
const p1363 = (key: ReturnType<typeof ecKey>, data: Uint8Array): Uint8Array =>
  nodeSign('sha256', data, { key: key.privateKey, dsaEncoding: 'ieee-p1363' });

// One suite, run against every adapter of the port.
for (const kind of ['inline', 'piscina'] as CryptoLaneKind[]) {
  describe(`CryptoLane contract (${kind})`, () => {
    let lane: CryptoLane;
    const alice = ecKey();
    const bob = ecKey();
    const aliceKey = { thumbprint: alice.thumbprint, jwk: alice.jwk };

    before(() => {
      lane = createCryptoLane(kind, { threads: 2 });
    });
    after(async () => {
      await lane.close();
    });

    it('verifies a P1363 ES256 signature made by node:crypto', async () => {
      assert.equal(await lane.verify({ key: aliceKey, data: message, signature: p1363(alice, message) }), true);
    });

    it('rejects tampered data, a tampered signature and the wrong key', async () => {
      const signature = p1363(alice, message);
      const data = Uint8Array.from(message);
      data[0]! ^= 1;
      assert.equal(await lane.verify({ key: aliceKey, data, signature }), false);
      const flipped = Uint8Array.from(signature);
      flipped[40]! ^= 0x80;
      assert.equal(await lane.verify({ key: aliceKey, data: message, signature: flipped }), false);
      assert.equal(await lane.verify({ key: { thumbprint: bob.thumbprint, jwk: bob.jwk }, data: message, signature }), false);
    });

    it('rejects r = s = 0, r or s = n, and wrong sizes', async () => {
      assert.equal(await lane.verify({ key: aliceKey, data: message, signature: new Uint8Array(64) }), false);
      const valid = p1363(alice, message);
      const rIsN = Uint8Array.from(valid);
      rIsN.set(P256_ORDER, 0);
      assert.equal(await lane.verify({ key: aliceKey, data: message, signature: rIsN }), false);
      const sIsN = Uint8Array.from(valid);
      sIsN.set(P256_ORDER, 32);
      assert.equal(await lane.verify({ key: aliceKey, data: message, signature: sIsN }), false);
      assert.equal(await lane.verify({ key: aliceKey, data: message, signature: valid.subarray(0, 63) }), false);
      assert.equal(await lane.verify({ key: aliceKey, data: message, signature: Uint8Array.of(...valid, 0) }), false);
      assert.equal(await lane.verify({ key: aliceKey, data: message, signature: Uint8Array.of(0, ...valid) }), false);
      assert.equal(await lane.verify({ key: aliceKey, data: message, signature: new Uint8Array(0) }), false);
    });

    it('rejects a DER signature over the right data', async () => {
      const der = nodeSign('sha256', message, alice.privateKey); // DER is node's default
      assert.ok(der.length >= 8 && der.length <= 72);
      assert.equal(await lane.verify({ key: aliceKey, data: message, signature: der }), false);
    });

    it('returns false, never throws, on garbage keys', async () => {
      const signature = p1363(alice, message);
      const offCurve = { ...alice.jwk, y: alice.jwk.x };
      const badX = { ...alice.jwk, x: 'not base64url!' };
      const shortX = { ...alice.jwk, x: alice.jwk.x.slice(0, 20) };
      // Thumbprints that match the garbage, so the key parser itself is exercised.
      const cases: unknown[] = [
        { thumbprint: thumbprintOf(offCurve), jwk: offCurve },
        { thumbprint: thumbprintOf(badX), jwk: badX },
        { thumbprint: thumbprintOf(shortX), jwk: shortX },
        { thumbprint: 'z', jwk: { ...alice.jwk, crv: 'P-384' } },
        { thumbprint: alice.thumbprint, jwk: null },
        { thumbprint: 42, jwk: alice.jwk },
        { thumbprint: 'w', jwk: { kty: 'RSA', n: 'AQAB', e: 'AQAB' } },
        { thumbprint: 'v', jwk: {} },
      ];
      for (const key of cases) {
        assert.equal(await lane.verify({ key: key as never, data: message, signature }), false);
      }
      assert.equal(await lane.verify({ key: aliceKey, data: 'text' as never, signature }), false);
      assert.equal(await lane.verify({ key: aliceKey, data: message, signature: 'x'.repeat(64) as never }), false);
    });

    it('refuses a thumbprint that is not the key\'s own, cached or not (never stale)', async () => {
      const carol = ecKey();
      const carolSig = p1363(carol, message);
      // Before anything is cached, and after carol's key is cached under her own thumbprint.
      assert.equal(await lane.verify({ key: { thumbprint: alice.thumbprint, jwk: carol.jwk }, data: message, signature: carolSig }), false);
      assert.equal(await lane.verify({ key: { thumbprint: carol.thumbprint, jwk: carol.jwk }, data: message, signature: carolSig }), true);
      assert.equal(await lane.verify({ key: { thumbprint: carol.thumbprint, jwk: alice.jwk }, data: message, signature: p1363(alice, message) }), false);
      assert.equal(await lane.verify({ key: { thumbprint: carol.thumbprint, jwk: carol.jwk }, data: message, signature: carolSig }), true);
      assert.equal(thumbprintOf(carol.jwk), carol.thumbprint);
    });

    it('does not detach or modify the caller\'s bytes (pooled Buffers stay usable)', async () => {
      const data = Buffer.from('small pooled buffer');
      const signature = Buffer.from(p1363(alice, data));
      const before = Buffer.concat([data, signature]);
      assert.equal(await lane.verify({ key: aliceKey, data, signature }), true);
      assert.deepEqual(Buffer.concat([data, signature]), before);
    });

    it('handles many concurrent verifications correctly', async () => {
      const jobs = Array.from({ length: 200 }, (_, i) => {
        const data = randomBytes(1 + (i % 50));
        const good = i % 3 !== 0;
        const signature = p1363(alice, good ? data : randomBytes(8));
        return lane.verify({ key: aliceKey, data, signature }).then((ok) => assert.equal(ok, good));
      });
      await Promise.all(jobs);
    });

    it('signs ES256 as 64-byte P1363 that node:crypto verifies', async () => {
      const data = randomBytes(100);
      const signature = await lane.sign({ key: { kid: alice.thumbprint, alg: 'ES256', privateJwk: alice.privateJwk }, data });
      assert.equal(signature.length, 64);
      assert.equal(nodeVerify('sha256', data, { key: alice.publicKey, dsaEncoding: 'ieee-p1363' }, signature), true);
      assert.equal(await lane.verify({ key: aliceKey, data, signature }), true);
    });

    it('signs RS256 as PKCS#1 v1.5 / SHA-256 that node:crypto verifies', async () => {
      const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
      const privateJwk = privateKey.export({ format: 'jwk' }) as Record<string, string>;
      const data = randomBytes(64);
      const signature = await lane.sign({ key: { kid: 'rsa-1', alg: 'RS256', privateJwk }, data });
      assert.equal(signature.length, 256);
      assert.equal(
        nodeVerify('sha256', data, { key: publicKey, padding: constants.RSA_PKCS1_PADDING }, signature),
        true,
      );
    });

    it('refuses a key that does not fit the algorithm', async () => {
      await assert.rejects(lane.sign({ key: { kid: 'mixed', alg: 'RS256', privateJwk: alice.privateJwk }, data: message }));
      const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
      const weak = privateKey.export({ format: 'jwk' }) as Record<string, string>;
      await assert.rejects(lane.sign({ key: { kid: 'weak', alg: 'RS256', privateJwk: weak }, data: message }));
    });

    it('never signs with a stale key when a kid is reused with another private key', async () => {
      const kid = 'reused-kid';
      await lane.sign({ key: { kid, alg: 'ES256', privateJwk: alice.privateJwk }, data: message });
      const signature = await lane.sign({ key: { kid, alg: 'ES256', privateJwk: bob.privateJwk }, data: message });
      assert.equal(nodeVerify('sha256', message, { key: bob.publicKey, dsaEncoding: 'ieee-p1363' }, signature), true);
    });
  });
}

describe('PiscinaCryptoLane lifecycle', () => {
  it('refuses work after close()', async () => {
    const lane = createCryptoLane('piscina', { threads: 1 });
    const alice = ecKey();
    const signature = p1363(alice, message);
    assert.equal(await lane.verify({ key: { thumbprint: alice.thumbprint, jwk: alice.jwk }, data: message, signature }), true);
    await lane.close();
    await assert.rejects(lane.verify({ key: { thumbprint: alice.thumbprint, jwk: alice.jwk }, data: message, signature }), /closed/);
    await lane.close(); // idempotent
  });
});

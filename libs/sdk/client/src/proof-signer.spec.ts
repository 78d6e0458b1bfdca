import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync, verify, webcrypto } from 'node:crypto';
import { proofMessage } from '@titan/domain';
import { NobleSigner } from './noble-signer';
import { NodeKeySigner } from './node-key-signer';
import { WebCryptoSigner } from './webcrypto-signer';

const message = new TextEncoder().encode(proofMessage('https://titan.test', 'billing', 'c-1', 'A'.repeat(43)));

function keyPair() {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return { publicKey, privateKey, jwk: privateKey.export({ format: 'jwk' }) };
}

const verifies = (publicKey: ReturnType<typeof keyPair>['publicKey'], signature: Uint8Array) =>
  verify('sha256', message, { key: publicKey, dsaEncoding: 'ieee-p1363' }, signature);

describe('proof signers', () => {
  it('NodeKeySigner signs P1363 from a JWK and from a KeyObject', async () => {
    const { publicKey, privateKey, jwk } = keyPair();
    for (const signer of [new NodeKeySigner(jwk), new NodeKeySigner(privateKey)]) {
      const signature = await signer.sign(message);
      assert.equal(signature.length, 64);
      assert.ok(verifies(publicKey, signature));
    }
  });

  it('NodeKeySigner refuses public keys and other curves without echoing the key', () => {
    const { jwk } = keyPair();
    const { d: _d, ...publicJwk } = jwk;
    const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey;
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    for (const bad of [publicJwk, p384, rsa, p384.export({ format: 'jwk' }), { ...jwk, x: 'AAAA' }]) {
      assert.throws(() => new NodeKeySigner(bad as never), (e: Error) => {
        assert.ok(!e.message.includes(jwk.d!));
        return e instanceof TypeError;
      });
    }
  });

  it('WebCryptoSigner output verifies with node:crypto', async () => {
    const { publicKey, jwk } = keyPair();
    const signer = await WebCryptoSigner.fromJwk({ ...jwk, alg: 'ES256', use: 'sig' } as never);
    const signature = await signer.sign(message);
    assert.equal(signature.length, 64);
    assert.ok(verifies(publicKey, signature));
  });

  it('WebCryptoSigner works with a generated non-extractable CryptoKey', async () => {
    const pair = await webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify']);
    const signature = await new WebCryptoSigner(pair.privateKey).sign(message);
    const ok = await webcrypto.subtle.verify({ name: 'ECDSA', hash: 'SHA-256' }, pair.publicKey, signature, message);
    assert.ok(ok);
    assert.throws(() => new WebCryptoSigner(pair.publicKey), TypeError);
  });

  it('NobleSigner output verifies with node:crypto', async () => {
    const { publicKey, jwk } = keyPair();
    const signature = await new NobleSigner(jwk).sign(message);
    assert.equal(signature.length, 64);
    assert.ok(verifies(publicKey, signature));
    assert.throws(() => new NobleSigner({ kty: 'EC', crv: 'P-256', d: 'AAAA' }), TypeError);
  });
});

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, generateKeyPairSync } from 'node:crypto';
import { parseEcPublicJwk, thumbprintInput } from './ec-public-jwk';

const fresh = () => generateKeyPairSync('ec', { namedCurve: 'P-256' });

describe('parseEcPublicJwk', () => {
  it('accepts a P-256 public key and matches node:crypto RFC 7638 thumbprints', () => {
    const { publicKey } = fresh();
    const jwk = publicKey.export({ format: 'jwk' });
    const parsed = parseEcPublicJwk({ ...jwk, alg: 'ES256', use: 'sig', kid: 'ignored' });
    assert.ok(parsed.ok);
    assert.deepEqual(Object.keys(parsed.value).sort(), ['crv', 'kty', 'x', 'y']);
    const ours = createHash('sha256').update(thumbprintInput(parsed.value)).digest('base64url');
    const canonical = createHash('sha256')
      .update(JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y }))
      .digest('base64url');
    assert.equal(ours, canonical);
  });

  it('refuses private material without echoing it', () => {
    const jwk = fresh().privateKey.export({ format: 'jwk' });
    const parsed = parseEcPublicJwk(jwk);
    assert.equal(parsed.ok, false);
    assert.equal(!parsed.ok && parsed.error.code, 'private_key_exposed');
    assert.ok(!parsed.ok && !parsed.error.message.includes(jwk.d!));
  });

  it('refuses points off the curve, wrong sizes, other curves and inconsistent members', () => {
    const jwk = fresh().publicKey.export({ format: 'jwk' });
    const flipped = Buffer.from(jwk.y!, 'base64url');
    flipped[31]! ^= 1;
    const cases: unknown[] = [
      { ...jwk, y: flipped.toString('base64url') },
      { ...jwk, x: Buffer.alloc(31, 1).toString('base64url') },
      { ...jwk, x: jwk.x + '=' },
      { ...jwk, crv: 'P-384' },
      { ...jwk, kty: 'RSA' },
      { ...jwk, alg: 'ES384' },
      { ...jwk, use: 'enc' },
      { ...jwk, key_ops: ['sign'] },
      'not a jwk',
      null,
      [jwk],
    ];
    for (const c of cases) assert.equal(parseEcPublicJwk(c).ok, false, JSON.stringify(c));
  });
});

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes, sign, verify } from 'node:crypto';
import { derToP1363 } from './ecdsa-der.converter';
import { P256_ORDER } from './ecdsa-p256';
import { ecKey } from './testing/keys.fixture';

const int = (bytes: number[]): number[] => [0x02, bytes.length, ...bytes];
const seq = (...parts: number[][]): Uint8Array => {
  const body = parts.flat();
  return Uint8Array.from([0x30, body.length, ...body]);
};
const one = [0x01];

describe('derToP1363', () => {
  it('converts node:crypto DER signatures to P1363 that verifies', () => {
    const key = ecKey();
    for (let i = 0; i < 200; i++) {
      const data = randomBytes(32);
      const der = sign('sha256', data, key.privateKey);
      const p1363 = derToP1363(der);
      assert.ok(p1363, `conversion ${i}`);
      assert.equal(verify('sha256', data, { key: key.publicKey, dsaEncoding: 'ieee-p1363' }, p1363), true);
    }
  });

  it('left-pads short integers', () => {
    const out = derToP1363(seq(int(one), int([0x02])));
    assert.ok(out);
    assert.equal(out[31], 1);
    assert.equal(out[63], 2);
    assert.equal(out.subarray(0, 31).every((b) => b === 0), true);
  });

  it('refuses BER and malformed encodings', () => {
    const cases: Record<string, Uint8Array> = {
      'long-form sequence length': Uint8Array.from([0x30, 0x81, 0x06, ...int(one), ...int(one)]),
      'long-form integer length': seq([0x02, 0x81, 0x01, 0x01], int(one)),
      'indefinite length': Uint8Array.from([0x30, 0x80, ...int(one), ...int(one), 0x00, 0x00]),
      'trailing bytes': Uint8Array.from([...seq(int(one), int(one)), 0x00]),
      'sequence length too long': Uint8Array.from([0x30, 0x07, ...int(one), ...int(one)]),
      'negative r': seq(int([0x80, ...new Array(31).fill(1)]), int(one)),
      'zero-padded r': seq(int([0x00, 0x01]), int(one)),
      'r = 0': seq(int([0x00]), int(one)),
      's = 0': seq(int(one), int([0x00])),
      'empty integer': seq([0x02, 0x00], int(one)),
      'r = n': seq(int([0x00, ...P256_ORDER]), int(one)),
      'r too long': seq(int([0x01, ...new Array(32).fill(0)]), int(one)),
      'wrong outer tag': Uint8Array.from([0x31, 0x06, ...int(one), ...int(one)]),
      'wrong integer tag': seq([0x03, 0x01, 0x01], int(one)),
      'third integer': seq(int(one), int(one), int(one)),
      empty: new Uint8Array(0),
    };
    for (const [name, der] of Object.entries(cases)) assert.equal(derToP1363(der), null, name);
  });
});

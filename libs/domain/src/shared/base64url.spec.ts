import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { decodeBase64Url, decodeBase64UrlOfLength, encodeBase64Url } from './base64url';

describe('base64url', () => {
  it('round-trips every length against Buffer', () => {
    for (let n = 0; n < 70; n++) {
      const bytes = randomBytes(n);
      const text = encodeBase64Url(bytes);
      assert.equal(text, bytes.toString('base64url'));
      const back = decodeBase64Url(text);
      assert.ok(back.ok);
      assert.deepEqual(Buffer.from(back.value), bytes);
    }
  });

  it('refuses padding, other alphabets, whitespace and non-canonical trailing bits', () => {
    for (const bad of ['AA==', 'AB', 'A+8', 'A/8', 'AA A', 'A', 'AAAAA', '%%']) {
      assert.equal(decodeBase64Url(bad).ok, false, bad);
    }
    assert.equal(decodeBase64Url('AA').ok, true);
  });

  it('checks exact length', () => {
    const r = decodeBase64UrlOfLength(encodeBase64Url(new Uint8Array(63)), 64, 'signature');
    assert.equal(r.ok, false);
    assert.equal(!r.ok && r.error.message, 'signature must be 64 bytes');
  });
});

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Challenge, proofMessage } from './challenge';
import { Nonce } from './nonce';

describe('Challenge', () => {
  const nonce = Nonce.fromBytes(new Uint8Array(32).fill(7));
  const challenge = Challenge.issue({ id: 'c1', identityId: 'svc', nonce, audience: 'a', scopes: [], expiresAt: new Date(10_000) });

  it('expires at expiresAt exactly', () => {
    assert.equal(challenge.isExpired(new Date(9_999)), false);
    assert.equal(challenge.isExpired(new Date(10_000)), true);
  });

  it('binds the proof message to context, issuer, identity, challenge and nonce', () => {
    assert.equal(challenge.proofMessage('https://i'), `titan-pop-v1\nhttps://i\nsvc\nc1\n${nonce.value}`);
    assert.equal(proofMessage('https://i', 'svc', 'c1', nonce.value), challenge.proofMessage('https://i'));
    assert.ok(challenge.isFor('svc'));
    assert.ok(!challenge.isFor('other'));
  });

  it('needs exactly 32 random bytes for a nonce', () => {
    assert.throws(() => Nonce.fromBytes(new Uint8Array(31)), RangeError);
    assert.equal(nonce.value.length, 43);
  });
});

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { UserIdentity } from './user-identity';
import type { IdentityKey } from './identity-key';

const key = (n: number): IdentityKey => ({ thumbprint: `thumb-${n}`, jwk: { kty: 'EC', crv: 'P-256', x: `x${n}`, y: `y${n}` }, createdAt: new Date(0) });
const ISSUER = 'https://titan.example';
const identity = (audiences: string[] = ['https://a', 'https://b'], scopes: string[] = ['read', 'write']) =>
  UserIdentity.register({ id: 'svc', key: key(1), scopes, audiences, clientSecretHash: null, now: new Date(0) });

describe('UserIdentity.resolveGrant (PRODUCT.md section 3)', () => {
  it('defaults to the first allowed audience, else the issuer, and to all allowed scopes', () => {
    assert.deepEqual(identity().resolveGrant(ISSUER, undefined, undefined), { ok: true, value: { audience: 'https://a', scopes: ['read', 'write'] } });
    assert.deepEqual(identity([]).resolveGrant(ISSUER, undefined, undefined), { ok: true, value: { audience: ISSUER, scopes: ['read', 'write'] } });
  });

  it('accepts the issuer or an allowed audience, and a subset of allowed scopes', () => {
    const grant = identity().resolveGrant(ISSUER, 'https://b', ['write']);
    assert.deepEqual(grant, { ok: true, value: { audience: 'https://b', scopes: ['write'] } });
    assert.equal(identity().resolveGrant(ISSUER, ISSUER, []).ok, true);
  });

  it('refuses other audiences with invalid_target and unallowed scopes with invalid_scope', () => {
    const target = identity().resolveGrant(ISSUER, 'https://c', undefined);
    assert.equal(!target.ok && target.error.code, 'invalid_target');
    const scope = identity().resolveGrant(ISSUER, undefined, ['read', 'admin']);
    assert.equal(!scope.ok && scope.error.code, 'invalid_scope');
  });
});

describe('UserIdentity lifecycle', () => {
  it('adds keys once, retires any key but the last', () => {
    const two = identity().addKey(key(2));
    assert.ok(two.ok);
    assert.equal(two.value.keys.length, 2);
    const again = two.value.addKey(key(2));
    assert.equal(!again.ok && again.error.code, 'key_in_use');
    const one = two.value.retireKey('thumb-1');
    assert.ok(one.ok);
    assert.deepEqual(one.value.keys.map((k) => k.thumbprint), ['thumb-2']);
    const last = one.value.retireKey('thumb-2');
    assert.equal(!last.ok && last.error.code, 'last_key');
    const unknown = one.value.retireKey('thumb-9');
    assert.equal(!unknown.ok && unknown.error.code, 'key_not_found');
  });

  it('revokes once, records when and why, and refuses new keys afterwards; the original is unchanged', () => {
    const original = identity();
    const revoked = original.revoke('compromised', new Date(5000));
    assert.ok(revoked.ok);
    assert.equal(revoked.value.status, 'revoked');
    assert.equal(revoked.value.isActive, false);
    assert.equal(revoked.value.revokedAt?.getTime(), 5000);
    assert.equal(revoked.value.revocationReason, 'compromised');
    assert.equal(original.isActive, true, 'entities are immutable');
    const twice = revoked.value.revoke('again', new Date(6000));
    assert.equal(!twice.ok && twice.error.code, 'identity_revoked');
    const addAfter = revoked.value.addKey(key(3));
    assert.equal(!addAfter.ok && addAfter.error.code, 'identity_revoked');
  });
});

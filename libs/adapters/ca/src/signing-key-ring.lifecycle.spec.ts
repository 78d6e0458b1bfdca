import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { decodeProtectedHeader } from 'jose';
import { serviceTokenClaim, type KeyRotationSchedule } from '@titan/domain';
import { ManualClock } from '@titan/testing';
import { KeyEncryption } from './key-encryption';
import { LocalTokenVerifier } from './local-token-verifier';
import { SigningKeyRing, type SigningKeyRingOptions } from './signing-key-ring';
import { InMemorySigningKeyRepository } from './testing/in-memory-signing-key.repository';
import { NodeCryptoLane } from './testing/node-crypto-lane';

const ISSUER = 'http://localhost:8000';
// P = 100 s, M = 10 s, L = 30 s, S = 5 s, D = 2 s: lead 12 s, retention 37 s, publish at 86 s.
const SCHEDULE: KeyRotationSchedule = { rotationPeriodSeconds: 100, jwksMaxAgeSeconds: 10, maxTokenLifetimeSeconds: 30, clockSkewSeconds: 5, propagationSeconds: 2 };

function setup(options: SigningKeyRingOptions = {}, shared?: { repository: InMemorySigningKeyRepository; kek: Uint8Array; clock: ManualClock }) {
  const repository = shared?.repository ?? new InMemorySigningKeyRepository();
  const kek = shared?.kek ?? randomBytes(32);
  const clock = shared?.clock ?? new ManualClock();
  const ring = new SigningKeyRing({ repository, lane: new NodeCryptoLane(), clock, encryption: new KeyEncryption(kek) }, { schedule: SCHEDULE, ...options });
  const verifier = new LocalTokenVerifier(ring, clock, { issuer: ISSUER, maxTokenLifetimeSeconds: 30, clockToleranceSeconds: 5 });
  return { repository, kek, clock, ring, verifier };
}

const mint = (ring: SigningKeyRing, clock: ManualClock) =>
  ring.sign(serviceTokenClaim({ issuer: ISSUER, identityId: 'svc', audience: ISSUER, scopes: [], jti: randomBytes(8).toString('base64url'), now: clock.now(), ttlSeconds: 30 }));
const states = (repository: InMemorySigningKeyRepository) => repository.rows.map((r) => r.state);

describe('SigningKeyRing lifecycle', () => {
  it('runs next → active → retired → removed on schedule; JWKS = next + active + retired; signing uses active', async () => {
    const { ring, clock, repository, verifier } = setup();
    await ring.init();
    const first = ring.activeKid();
    clock.advance(85_000);
    assert.deepEqual(await ring.tick(), []);
    clock.advance(1_000);
    const [published] = await ring.tick();
    assert.equal(published!.kind, 'publish');
    assert.deepEqual(states(repository), ['active', 'next']);
    assert.deepEqual((await ring.jwks()).keys.map((k) => k['kid']), [first, published!.kid]);
    assert.equal(ring.activeKid(), first, 'a next key does not sign');
    const oldToken = await mint(ring, clock);

    clock.advance(14_000); // t = 100
    assert.deepEqual((await ring.tick()).map((t) => t.kind), ['retire', 'activate']);
    assert.equal(ring.activeKid(), published!.kid);
    assert.equal(decodeProtectedHeader(await mint(ring, clock)).kid, published!.kid);
    assert.equal((await verifier.verify(oldToken, ISSUER)).ok, true, 'tokens of the retired key still verify');
    assert.equal((await ring.jwks()).keys.length, 2);

    clock.advance(36_999);
    assert.deepEqual(await ring.tick(), []);
    clock.advance(1);
    assert.deepEqual((await ring.tick()).map((t) => [t.kind, t.kid]), [['remove', first]]);
    assert.deepEqual((await ring.jwks()).keys.map((k) => k['kid']), [published!.kid]);
    const removed = repository.rows.find((r) => r.kid === first)!;
    assert.equal(removed.state, 'removed');
    assert.equal(removed.encryptedPrivateKey, '', 'the private half of a removed key is erased');
  });

  it('rotates on demand: publishes a next key that signs only after one lead, then the schedule continues from it', async () => {
    const { ring, clock, repository } = setup();
    await ring.init();
    const first = ring.activeKid();
    clock.advance(5_000);
    const applied = await ring.rotate();
    assert.deepEqual(applied.map((t) => t.kind), ['publish']);
    assert.deepEqual(applied[0]!.activatesAt, new Date(clock.now().getTime() + 12_000));
    assert.equal(ring.activeKid(), first);
    clock.advance(11_999);
    await ring.tick();
    assert.equal(ring.activeKid(), first, 'never before the publication lead');
    clock.advance(1);
    await ring.tick();
    assert.equal(ring.activeKid(), applied[0]!.kid);
    // A second on-demand rotation right after: again a fresh next key, again not signing yet.
    assert.deepEqual((await ring.rotate()).map((t) => t.kind), ['publish']);
    assert.deepEqual(states(repository), ['retired', 'active', 'next']);
  });

  it('rotates RS256 independently of ES256', async () => {
    const { ring, clock } = setup({ algorithms: ['ES256', 'RS256'] });
    await ring.init();
    const es = ring.activeKid('ES256');
    const applied = await ring.rotate(['RS256']);
    assert.deepEqual(applied.map((t) => [t.kind, t.alg]), [['publish', 'RS256']]);
    clock.advance(12_000);
    await ring.tick();
    assert.equal(ring.activeKid('ES256'), es);
    assert.equal(ring.activeKid('RS256'), applied[0]!.kid);
    await assert.rejects(setup().ring.rotate(['RS256']), /not a configured signing algorithm/);
  });

  it('revokes the active key: unpublished at once, its tokens refused at once, its successor signs', async () => {
    const { ring, clock, verifier, repository } = setup();
    await ring.init();
    const first = ring.activeKid();
    const token = await mint(ring, clock);
    await ring.rotate();
    const next = ring.publishedKeys().find((k) => k.state === 'next')!.kid;
    const applied = await ring.revoke(first);
    assert.deepEqual(applied!.map((t) => [t.kind, t.kid, t.early ?? null]), [['revoke', first, null], ['activate', next, true]]);
    assert.equal(ring.activeKid(), next);
    assert.equal((await ring.jwks()).keys.some((k) => k['kid'] === first), false);
    const refused = await verifier.verify(token, ISSUER);
    assert.equal(!refused.ok && refused.error.reason, 'unknown_kid');
    assert.equal((await verifier.verify(await mint(ring, clock), ISSUER)).ok, true);
    assert.equal(repository.rows.find((r) => r.kid === first)!.state, 'revoked');
    assert.equal(await ring.revoke(first), null, 'a revoked key is no longer published');
    assert.equal(await ring.revoke('unknown'), null);
    // Without a next key, revoking the active key creates one that signs at once.
    const again = await ring.revoke(next);
    assert.deepEqual(again!.map((t) => t.kind), ['revoke', 'create']);
    assert.equal(ring.activeKid(), again![1]!.kid);
  });

  it('other instances pick revocations and rotations up on their next tick', async () => {
    const a = setup();
    await a.ring.init();
    const b = setup({}, { repository: a.repository, kek: a.kek, clock: a.clock });
    await b.ring.init();
    const token = await mint(b.ring, b.clock);
    await a.ring.revoke(a.ring.activeKid());
    assert.equal((await b.verifier.verify(token, ISSUER)).ok, true, 'b has not refreshed yet');
    await b.ring.tick();
    assert.equal((await b.verifier.verify(token, ISSUER)).ok, false);
    assert.equal(b.ring.activeKid(), a.ring.activeKid());
  });

  it('of several instances ticking at once, exactly one makes each transition', async () => {
    const first = setup();
    await first.ring.init();
    const rings = [first.ring, ...Array.from({ length: 4 }, () => setup({}, { repository: first.repository, kek: first.kek, clock: first.clock }).ring)];
    await Promise.all(rings.map((r) => r.init()));
    for (const step of [86_000, 14_000, 37_000]) {
      first.clock.advance(step);
      const applied = (await Promise.all(rings.map((r) => r.tick()))).flat();
      assert.equal(new Set(applied.map((t) => `${t.kind}:${t.kid}`)).size, applied.length, 'no transition twice');
      assert.equal(applied.length, step === 14_000 ? 2 : 1);
      for (const ring of rings) assert.equal(ring.activeKid(), first.ring.activeKid());
    }
    assert.deepEqual(states(first.repository), ['removed', 'active']);
  });

  it('keeps the published arrays while nothing changes (verifiers cache by identity)', async () => {
    const { ring } = setup();
    await ring.init();
    const before = ring.publishedKeys();
    await ring.tick();
    await ring.reload();
    assert.equal(ring.publishedKeys(), before);
  });
});

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createPublicKey, randomBytes, verify } from 'node:crypto';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { serviceTokenClaim } from '@titan/domain';
import { ManualClock } from '@titan/testing';
import { KeyEncryption } from './key-encryption';
import { LocalTokenVerifier } from './local-token-verifier';
import { jwkThumbprint } from './signing-key.generator';
import { DEFAULT_KEY_ROTATION_SCHEDULE, SigningKeyRing, type SigningKeyRingOptions } from './signing-key-ring';
import { InMemorySigningKeyRepository } from './testing/in-memory-signing-key.repository';
import { NodeCryptoLane } from './testing/node-crypto-lane';

const ISSUER = 'http://localhost:8000';
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];

function setup(options: SigningKeyRingOptions = {}, shared?: { repository: InMemorySigningKeyRepository; kek: Uint8Array }) {
  const repository = shared?.repository ?? new InMemorySigningKeyRepository();
  const kek = shared?.kek ?? randomBytes(32);
  const clock = new ManualClock();
  const lane = new NodeCryptoLane();
  const ring = new SigningKeyRing({ repository, lane, clock, encryption: new KeyEncryption(kek) }, options);
  return { repository, kek, clock, lane, ring };
}

const claimsAt = (clock: ManualClock, audience = ISSUER) =>
  serviceTokenClaim({ issuer: ISSUER, identityId: 'svc-a', audience, scopes: ['read'], jti: randomBytes(16).toString('base64url'), now: clock.now(), ttlSeconds: 600 });

describe('SigningKeyRing', () => {
  it('creates one active ES256 key on first start, kid = RFC 7638 thumbprint, private key encrypted', async () => {
    const { ring, repository } = setup();
    await ring.init();
    assert.equal(repository.rows.length, 1);
    const row = repository.rows[0]!;
    assert.equal(row.state, 'active');
    assert.equal(row.alg, 'ES256');
    assert.equal(row.kid, ring.activeKid());
    assert.equal(row.kid, jwkThumbprint(row.publicJwk));
    assert.match(row.encryptedPrivateKey, /^v1\./);
    for (const m of PRIVATE_MEMBERS) assert.equal(m in row.publicJwk, false, m);
  });

  it('signs an RFC 9068 JWS through the crypto lane that node:crypto and jose verify', async () => {
    const { ring, clock, lane } = setup();
    await ring.init();
    const claims = claimsAt(clock);
    const token = await ring.sign(claims);
    assert.equal(lane.signCount, 1);
    const [h, p, s] = token.split('.');
    assert.equal(Buffer.from(h!, 'base64url').toString(), JSON.stringify({ alg: 'ES256', typ: 'at+jwt', kid: ring.activeKid() }));
    assert.deepEqual(JSON.parse(Buffer.from(p!, 'base64url').toString()), claims);
    const jwk = (await ring.jwks()).keys[0]!;
    assert.equal(verify('sha256', Buffer.from(`${h}.${p}`), { key: createPublicKey({ key: { ...jwk }, format: 'jwk' }), dsaEncoding: 'ieee-p1363' }, Buffer.from(s!, 'base64url')), true);
    const { payload } = await jwtVerify(token, createLocalJWKSet({ keys: [{ ...jwk }] }), { typ: 'at+jwt', issuer: ISSUER, audience: ISSUER, currentDate: clock.now() });
    assert.equal(payload.sub, 'svc-a');
  });

  it('publishes public JWKs only: EC (kty, crv, x, y) and RSA (n, e) with kid, alg, use', async () => {
    const { ring } = setup({ algorithms: ['ES256', 'RS256'] });
    await ring.init();
    const { keys } = await ring.jwks();
    assert.equal(keys.length, 2);
    const ec = keys.find((k) => k['alg'] === 'ES256')!;
    const rsa = keys.find((k) => k['alg'] === 'RS256')!;
    assert.deepEqual(Object.keys(ec).sort(), ['alg', 'crv', 'kid', 'kty', 'use', 'x', 'y']);
    assert.deepEqual(Object.keys(rsa).sort(), ['alg', 'e', 'kid', 'kty', 'n', 'use']);
    assert.equal(ec['use'], 'sig');
    assert.equal(Buffer.from(rsa['n']!, 'base64url').length, 256);
    for (const key of keys) for (const m of PRIVATE_MEMBERS) assert.equal(m in key, false, m);
    assert.equal(JSON.stringify(keys).includes('"d"'), false);
  });

  it('never publishes a private member that found its way into storage', async () => {
    const { ring, repository, kek } = setup();
    await ring.init();
    const row = repository.rows[0]!;
    repository.rows[0] = { ...row, publicJwk: { ...row.publicJwk, d: 'leaked' } };
    const again = setup({}, { repository, kek }).ring;
    await again.init();
    assert.equal(JSON.stringify(await again.jwks()).includes('leaked'), false);
  });

  it('signs RS256 with the RSA key for legacy verifiers, alg fixed per key', async () => {
    const { ring, clock } = setup({ algorithms: ['ES256', 'RS256'] });
    await ring.init();
    const token = await ring.signWith('RS256', claimsAt(clock));
    assert.deepEqual(decodeProtectedHeader(token), { alg: 'RS256', typ: 'at+jwt', kid: ring.activeKid('RS256') });
    const keys = createLocalJWKSet({ keys: (await ring.jwks()).keys.map((k) => ({ ...k })) });
    await jwtVerify(token, keys, { algorithms: ['RS256'], currentDate: clock.now() });
    assert.deepEqual(decodeProtectedHeader(await ring.sign(claimsAt(clock))).alg, 'ES256');
  });

  it('lets exactly one of several instances starting at once create the key; all adopt it', async () => {
    const first = setup();
    const others = Array.from({ length: 4 }, () => setup({}, { repository: first.repository, kek: first.kek }).ring);
    await Promise.all([first.ring.init(), ...others.map((r) => r.init())]);
    assert.equal(first.repository.rows.length, 1);
    for (const ring of others) assert.equal(ring.activeKid(), first.ring.activeKid());
  });

  it('after a restart signs with the same kid, and earlier tokens still verify', async () => {
    const first = setup();
    await first.ring.init();
    const token = await first.ring.sign(claimsAt(first.clock));
    const restarted = setup({}, { repository: first.repository, kek: Uint8Array.from(first.kek) });
    await restarted.ring.init();
    assert.equal(restarted.ring.activeKid(), first.ring.activeKid());
    assert.equal(first.repository.rows.length, 1);
    const verifier = new LocalTokenVerifier(restarted.ring, restarted.clock, { issuer: ISSUER, maxTokenLifetimeSeconds: 900 });
    const result = await verifier.verify(token, ISSUER);
    assert.equal(result.ok, true, JSON.stringify(result));
    const fresh = await restarted.ring.sign(claimsAt(restarted.clock));
    assert.equal((await verifier.verify(fresh, ISSUER)).ok, true);
  });

  it('refuses to start with the wrong key-encryption key, saying which key', async () => {
    const first = setup();
    await first.ring.init();
    const wrong = setup({}, { repository: first.repository, kek: randomBytes(32) });
    await assert.rejects(wrong.ring.init(), /different key-encryption key/);
  });

  it('picks up keys added elsewhere on reload()', async () => {
    const a = setup();
    await a.ring.init();
    const b = setup({ algorithms: ['ES256', 'RS256'] }, { repository: a.repository, kek: a.kek });
    await b.ring.init();
    assert.equal((await a.ring.jwks()).keys.length, 1);
    await a.ring.reload();
    assert.equal((await a.ring.jwks()).keys.length, 2);
    assert.equal(a.ring.activeKid(), b.ring.activeKid());
  });

  it('reports its cache max-age and refuses use before init()', async () => {
    assert.equal(setup().ring.cacheMaxAgeSeconds(), 300);
    const { ring, clock } = setup({ schedule: { ...DEFAULT_KEY_ROTATION_SCHEDULE, jwksMaxAgeSeconds: 120 } });
    assert.equal(ring.cacheMaxAgeSeconds(), 120);
    await assert.rejects(ring.sign(claimsAt(clock)), /init\(\) has not completed/);
    await assert.rejects(ring.jwks(), /init\(\) has not completed/);
  });
});

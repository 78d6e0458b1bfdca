import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import type { StoredSigningKey } from '@titan/application';
import { serviceTokenClaim, type TokenClaim } from '@titan/domain';
import { ManualClock } from '@titan/testing';
import { KeyEncryption } from './key-encryption';
import { LocalTokenVerifier } from './local-token-verifier';
import { SigningKeyRing } from './signing-key-ring';
import { InMemorySigningKeyRepository } from './testing/in-memory-signing-key.repository';
import { NodeCryptoLane } from './testing/node-crypto-lane';

const ISSUER = 'http://localhost:8000';
const b64u = (value: unknown): string => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

describe('LocalTokenVerifier', () => {
  const kek = randomBytes(32);
  const repository = new InMemorySigningKeyRepository();
  const clock = new ManualClock();
  const ring = new SigningKeyRing({ repository, lane: new NodeCryptoLane(), clock, encryption: new KeyEncryption(kek) }, { algorithms: ['ES256', 'RS256'] });
  const verifier = new LocalTokenVerifier(ring, clock, { issuer: ISSUER, maxTokenLifetimeSeconds: 900 });
  const foreign = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  let kid: string;
  let rsaKid: string;
  let titanKey: KeyObject;
  let titanRsaKey: KeyObject;

  const claims = (overrides: Partial<Record<keyof TokenClaim, unknown>> = {}): Record<string, unknown> => ({
    ...serviceTokenClaim({ issuer: ISSUER, identityId: 'svc-a', audience: ISSUER, scopes: ['titan:admin'], jti: randomBytes(16).toString('base64url'), now: clock.now(), ttlSeconds: 600 }),
    ...overrides,
  });
  /** A compact JWS with any header and claims, ES256-signed (P1363 unless `der`) by `key`. */
  const forge = (header: Record<string, unknown>, body: Record<string, unknown>, key: KeyObject = titanKey, der = false): string => {
    const input = `${b64u(header)}.${b64u(body)}`;
    const signature = sign('sha256', Buffer.from(input), { key, dsaEncoding: der ? 'der' : 'ieee-p1363' });
    return `${input}.${signature.toString('base64url')}`;
  };
  const header = (overrides: Record<string, unknown> = {}) => ({ alg: 'ES256', typ: 'at+jwt', kid, ...overrides });
  const rejected = async (token: string, reason: string, audience = ISSUER) => {
    const result = await verifier.verify(token, audience);
    assert.equal(result.ok, false, `expected rejection (${reason})`);
    if (!result.ok) {
      assert.equal(result.error.code, 'invalid_token');
      assert.equal(result.error.message, 'the access token is not valid');
      assert.equal(result.error.reason, reason);
    }
  };
  const privateKeyOf = (row: StoredSigningKey): KeyObject =>
    createPrivateKey({ key: new KeyEncryption(kek).decrypt(row.kid, row.encryptedPrivateKey), format: 'jwk' });

  before(async () => {
    await ring.init();
    kid = ring.activeKid('ES256');
    rsaKid = ring.activeKid('RS256');
    titanKey = privateKeyOf(repository.rows.find((r) => r.kid === kid)!);
    titanRsaKey = privateKeyOf(repository.rows.find((r) => r.kid === rsaKid)!);
  });

  it('accepts a token minted by the ring and returns its claims', async () => {
    const expected = claims() as unknown as TokenClaim;
    const result = await verifier.verify(await ring.sign(expected), ISSUER);
    assert.deepEqual(result, { ok: true, value: expected });
    assert.equal((await verifier.verify(forge(header(), claims()), ISSUER)).ok, true); // the forge helper is sound
    assert.equal((await verifier.verify(await ring.signWith('RS256', expected), ISSUER)).ok, true);
  });

  it('keeps cnf.jkt of a sender-constrained token', async () => {
    const result = await verifier.verify(forge(header(), claims({ cnf: { jkt: 'thumb' } })), ISSUER);
    assert.equal(result.ok && result.value.cnf?.jkt, 'thumb');
    await rejected(forge(header(), claims({ cnf: { jkt: 7 } })), 'invalid_claim_cnf');
  });

  it('verifyAnyAudience (introspection) accepts any aud and keeps every other check', async () => {
    const elsewhere = forge(header(), claims({ aud: 'https://billing.internal' }));
    await rejected(elsewhere, 'audience_mismatch');
    const any = await verifier.verifyAnyAudience(elsewhere);
    assert.equal(any.ok && any.value.aud, 'https://billing.internal');
    for (const token of [
      forge(header(), claims({ aud: 'x', iss: 'https://evil.example' })),
      forge(header(), claims({ aud: 'x', exp: Math.floor(clock.now().getTime() / 1000) - 120 })),
      forge(header({ typ: 'JWT' }), claims({ aud: 'x' })),
      forge(header(), claims({ aud: 'x' }), foreign.privateKey),
    ]) {
      const result = await verifier.verifyAnyAudience(token);
      assert.equal(result.ok, false);
    }
  });

  it('refuses alg none in any casing', async () => {
    for (const alg of ['none', 'NONE', 'None', 'nOnE']) {
      await rejected(`${b64u(header({ alg }))}.${b64u(claims())}.`, 'alg_not_allowed');
    }
  });

  it('refuses HS256 keyed with the public key bytes (algorithm confusion)', async () => {
    const jwk = (await ring.jwks()).keys.find((k) => k['kid'] === kid)!;
    const secrets = [
      JSON.stringify(jwk),
      Buffer.concat([Buffer.from([4]), Buffer.from(jwk['x']!, 'base64url'), Buffer.from(jwk['y']!, 'base64url')]),
      createPublicKey(titanKey).export({ format: 'pem', type: 'spki' }).toString(),
      createPublicKey(titanKey).export({ format: 'der', type: 'spki' }),
    ];
    for (const secret of secrets) {
      const input = `${b64u(header({ alg: 'HS256' }))}.${b64u(claims())}`;
      await rejected(`${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`, 'alg_not_allowed');
    }
  });

  it('refuses an unknown or missing kid, and a kid used with another algorithm', async () => {
    await rejected(forge(header({ kid: 'not-a-titan-key' }), claims()), 'unknown_kid');
    await rejected(forge({ alg: 'ES256', typ: 'at+jwt' }, claims()), 'missing_kid');
    const input = `${b64u(header({ alg: 'RS256' }))}.${b64u(claims())}`;
    await rejected(`${input}.${sign('sha256', Buffer.from(input), titanRsaKey).toString('base64url')}`, 'alg_mismatch');
  });

  it('refuses header-supplied keys (jwk, jku, x5u, x5c) even with a valid signature', async () => {
    const attackerJwk = foreign.publicKey.export({ format: 'jwk' });
    await rejected(forge(header({ jwk: attackerJwk }), claims(), foreign.privateKey), 'forbidden_header_jwk');
    await rejected(forge(header({ jwk: attackerJwk }), claims()), 'forbidden_header_jwk');
    await rejected(forge(header({ jku: 'https://attacker.example/jwks' }), claims()), 'forbidden_header_jku');
    await rejected(forge(header({ x5u: 'https://attacker.example/cert' }), claims()), 'forbidden_header_x5u');
    await rejected(forge(header({ x5c: ['MIIB'] }), claims()), 'forbidden_header_x5c');
  });

  it('refuses any crit header', async () => {
    await rejected(forge(header({ crit: ['titan-ext'], 'titan-ext': true }), claims()), 'forbidden_header_crit');
    await rejected(forge(header({ crit: ['b64'], b64: false }), claims()), 'forbidden_header_crit');
  });

  it('refuses a typ other than at+jwt', async () => {
    await rejected(forge(header({ typ: 'JWT' }), claims()), 'typ_mismatch');
    await rejected(forge({ alg: 'ES256', kid }, claims()), 'typ_mismatch');
    assert.equal((await verifier.verify(forge(header({ typ: 'application/at+jwt' }), claims()), ISSUER)).ok, true);
  });

  it('refuses expired tokens, with 30 s of clock tolerance', async () => {
    const token = await ring.sign(claims() as unknown as TokenClaim);
    clock.advance(629_000);
    assert.equal((await verifier.verify(token, ISSUER)).ok, true);
    clock.advance(2_000);
    await rejected(token, 'token_expired');
  });

  it('refuses nbf in the future and iat in the future', async () => {
    const now = Math.floor(clock.now().getTime() / 1000);
    await rejected(forge(header(), claims({ nbf: now + 120 })), 'token_not_yet_valid');
    await rejected(forge(header(), claims({ iat: now + 120, nbf: now })), 'issued_in_the_future');
  });

  it('refuses tokens older or longer-lived than the longest lifetime Titan issues', async () => {
    const now = Math.floor(clock.now().getTime() / 1000);
    await rejected(forge(header(), claims({ iat: now - 2000, nbf: now - 2000, exp: now + 60 })), 'token_too_old');
    await rejected(forge(header(), claims({ exp: now + 3600 })), 'lifetime_exceeds_policy');
  });

  it('refuses the wrong issuer or audience', async () => {
    await rejected(forge(header(), claims({ iss: 'http://evil.example' })), 'issuer_mismatch');
    await rejected(await ring.sign(claims() as unknown as TokenClaim), 'audience_mismatch', 'https://api.example');
    await rejected(forge(header(), claims({ aud: [ISSUER, 'other'] })), 'invalid_claim_aud');
  });

  it('refuses tokens missing a required claim', async () => {
    for (const claim of ['exp', 'iat', 'nbf', 'jti', 'sub', 'client_id']) {
      const body = claims();
      delete body[claim];
      await rejected(forge(header(), body), `missing_claim_${claim}`);
    }
  });

  it('refuses bad signatures: DER, r = s = 0, tampered payload, a foreign key under Titan\'s kid', async () => {
    await rejected(forge(header(), claims(), titanKey, true), 'signature_invalid');
    const [h, p] = forge(header(), claims()).split('.');
    await rejected(`${h}.${p}.${Buffer.alloc(64).toString('base64url')}`, 'signature_invalid');
    const tampered = `${h}.${b64u(claims({ scope: 'titan:admin titan:introspect' }))}.${forge(header(), claims()).split('.')[2]}`;
    await rejected(tampered, 'signature_invalid');
    await rejected(forge(header(), claims(), foreign.privateKey), 'signature_invalid');
  });

  it('refuses malformed input without throwing', async () => {
    await rejected('', 'malformed_jws');
    await rejected('a.b', 'malformed_jws');
    await rejected('!!.bbbb.cccc', 'malformed_header');
    await rejected(`${b64u('[1]')}.bbbb.cccc`, 'malformed_header');
    await rejected(`${b64u(header())}.${b64u('not json')}.${Buffer.alloc(64, 1).toString('base64url')}`, 'signature_invalid');
    await rejected('a'.repeat(9000), 'token_too_long');
    await rejected(undefined as unknown as string, 'malformed_jws');
  });

  it('throws (a wiring bug, not a bad token) when the ring was never initialised', async () => {
    const cold = new SigningKeyRing({ repository: new InMemorySigningKeyRepository(), lane: new NodeCryptoLane(), clock, encryption: new KeyEncryption(kek) });
    const coldVerifier = new LocalTokenVerifier(cold, clock, { issuer: ISSUER, maxTokenLifetimeSeconds: 900 });
    await assert.rejects(coldVerifier.verify(forge(header(), claims()), ISSUER), /init\(\) has not completed/);
  });
});

describe('LocalTokenVerifier cache of verified tokens', () => {
  const kek = randomBytes(32);
  const clock = new ManualClock();
  const repository = new InMemorySigningKeyRepository();
  const ring = new SigningKeyRing({ repository, lane: new NodeCryptoLane(), clock, encryption: new KeyEncryption(kek) });
  const verifier = new LocalTokenVerifier(ring, clock, { issuer: ISSUER, maxTokenLifetimeSeconds: 900, clockToleranceSeconds: 5 });
  const mint = (overrides: Partial<TokenClaim> = {}) => ring.sign({
    ...serviceTokenClaim({ issuer: ISSUER, identityId: 'svc-a', audience: ISSUER, scopes: ['titan:introspect'], jti: randomBytes(16).toString('base64url'), now: clock.now(), ttlSeconds: 600 }),
    ...overrides,
  });
  const reason = (result: Awaited<ReturnType<LocalTokenVerifier['verify']>>) => (result.ok ? 'ok' : result.error.reason);

  before(async () => {
    await ring.init();
  });

  it('answers a token seen before with the same claims, and still checks the audience', async () => {
    const token = await mint();
    const first = await verifier.verify(token, ISSUER);
    const again = await verifier.verify(token, ISSUER);
    assert.ok(first.ok && again.ok);
    assert.deepEqual(again.value, first.value);
    assert.equal(reason(await verifier.verify(token, 'https://api.example')), 'audience_mismatch');
    assert.equal((await verifier.verifyAnyAudience(token)).ok, true);
  });

  it('applies exp and its tolerance to a remembered token to the second', async () => {
    const token = await mint();
    const verified = await verifier.verify(token, ISSUER);
    assert.ok(verified.ok);
    clock.advance((verified.value.exp + 5) * 1000 - 1 - clock.now().getTime());
    assert.equal(reason(await verifier.verify(token, ISSUER)), 'ok', 'exp + 5 s tolerance, last millisecond');
    clock.advance(1);
    assert.equal(reason(await verifier.verify(token, ISSUER)), 'token_expired');
  });

  it('forgets every remembered token when the published keys change (emergency revocation)', async () => {
    const token = await mint();
    assert.equal((await verifier.verify(token, ISSUER)).ok, true);
    assert.ok(await ring.revoke(ring.activeKid()));
    assert.equal(reason(await verifier.verify(token, ISSUER)), 'unknown_kid');
  });

  it('stays bounded', async () => {
    const small = new LocalTokenVerifier(ring, clock, { issuer: ISSUER, maxTokenLifetimeSeconds: 900, cacheSize: 2 });
    const tokens = await Promise.all([mint(), mint(), mint()]);
    for (const token of tokens) assert.equal((await small.verify(token, ISSUER)).ok, true);
    assert.equal((small as unknown as { verified: Map<string, unknown> }).verified.size, 2);
  });
});

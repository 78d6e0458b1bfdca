import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SignJWT } from 'jose';
import { DpopReplayCache } from './dpop-proof';
import { accessTokenHash, dpopProof, newDpopKey, nowSeconds, startTestIssuer, type DpopKey, type ProofOverrides, type TestIssuer } from './testing/test-issuer';
import { createTitanVerifier, dpopToken, type DpopBoundRequest, type TitanVerifierOptions } from './titan-verifier';
import { TitanVerifierError, type TitanVerifierErrorCode } from './titan-verifier-error';

const URL_CALLED = 'https://billing.example.com/invoices';

describe('createTitanVerifier: DPoP-bound tokens (RFC 9449)', () => {
  let titan: TestIssuer;
  let key: DpopKey;
  let other: DpopKey;

  before(async () => {
    titan = await startTestIssuer();
    key = await newDpopKey();
    other = await newDpopKey();
  });
  after(() => titan.close());

  const verifier = (extra: Partial<TitanVerifierOptions> = {}) =>
    createTitanVerifier({ issuer: titan.issuer, audience: titan.audience, cooldownMs: 0, ...extra });
  const boundToken = (jkt = key.jkt, extra = {}) => titan.accessToken({ cnf: { jkt }, ...extra });
  /** A bound token and a fresh proof for GET URL_CALLED, with the proof tweaked by `overrides`. */
  const request = async (overrides: ProofOverrides = {}, signer = key): Promise<DpopBoundRequest> => {
    const token = await boundToken();
    return { token, proof: await dpopProof(signer, 'GET', URL_CALLED, token, overrides), method: 'GET', url: URL_CALLED };
  };
  const refused = async (r: DpopBoundRequest | Promise<DpopBoundRequest>, code: TitanVerifierErrorCode, pattern: RegExp, v = verifier()) => {
    const presented = await r;
    await assert.rejects(v.verifyDpopBoundRequest(presented), (e: unknown) => {
      assert.ok(e instanceof TitanVerifierError);
      assert.equal(e.code, code);
      assert.match(e.message, pattern);
      // Messages go back to the client: they must not echo credentials.
      for (const part of [...presented.token.split('.'), ...presented.proof.split('.')].filter((p) => p.length > 8)) {
        assert.ok(!e.message.includes(part), 'the message leaks a credential');
      }
      return true;
    });
  };

  it('accepts a bound token with a valid proof and returns the principal and the key thumbprint', async () => {
    const result = await verifier().verifyDpopBoundRequest(await request());
    assert.equal(result.subject, 'billing');
    assert.equal(result.clientId, 'billing');
    assert.deepEqual(result.scopes, ['invoices:read', 'invoices:write']);
    assert.equal(result.jkt, key.jkt);
    assert.deepEqual(result.claims.cnf, { jkt: key.jkt });
  });

  it('refuses the bound token as Bearer, and an unbound token with the DPoP scheme', async () => {
    await assert.rejects(verifier().verify(await boundToken()), { code: 'invalid_token', message: /DPoP/ });
    const bearer = await titan.accessToken();
    await refused({ token: bearer, proof: await dpopProof(key, 'GET', URL_CALLED, bearer), method: 'GET', url: URL_CALLED },
      'invalid_token', /not DPoP-bound/);
    const noJkt = await titan.accessToken({ cnf: { 'x5t#S256': 'abc' } });
    await refused({ token: noJkt, proof: await dpopProof(key, 'GET', URL_CALLED, noJkt), method: 'GET', url: URL_CALLED },
      'invalid_token', /not DPoP-bound/);
  });

  it('still checks the token itself: expiry, audience, signature', async () => {
    const now = nowSeconds();
    for (const [extra, pattern] of [
      [{ iat: now - 700, nbf: now - 700, exp: now - 100 }, /expired/],
      [{ aud: 'someone-else' }, /audience/],
    ] as const) {
      const token = await boundToken(key.jkt, extra);
      await refused({ token, proof: await dpopProof(key, 'GET', URL_CALLED, token), method: 'GET', url: URL_CALLED }, 'invalid_token', pattern);
    }
    const forged = await new SignJWT({ sub: 'x', cnf: { jkt: key.jkt } }).setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid: 'k1' }).sign(key.privateKey);
    await refused({ token: forged, proof: await dpopProof(key, 'GET', URL_CALLED, forged), method: 'GET', url: URL_CALLED }, 'invalid_token', /./);
  });

  it('refuses a missing or malformed proof', async () => {
    const { token } = await request();
    for (const proof of ['', 'not-a-jwt', 'a.b.c', `${(await request()).proof}, ${(await request()).proof}`]) {
      await refused({ token, proof, method: 'GET', url: URL_CALLED }, 'invalid_dpop_proof', /DPoP proof/);
    }
  });

  it('refuses a proof from another key than the one the token is bound to', async () => {
    // A valid proof of its own, but from `other`.
    await refused(request({}, other), 'invalid_dpop_proof', /not signed with the key the token is bound to/);
    // The bound key in the header, signed by `other`.
    await refused(request({ signWith: other.privateKey }), 'invalid_dpop_proof', /signature/);
  });

  it('compares htm case-sensitively with the method', async () => {
    const r = await request();
    await refused({ ...r, method: 'POST' }, 'invalid_dpop_proof', /htm/);
    await refused({ ...(await request()), method: 'get' }, 'invalid_dpop_proof', /htm/);
  });

  it('compares htu with the URL without query and fragment, normalising scheme, host and port', async () => {
    const v = verifier();
    const withQuery = await request();
    assert.equal((await v.verifyDpopBoundRequest({ ...withQuery, url: `${URL_CALLED}?page=2#top` })).jkt, key.jkt);
    const spelled = await request({ claims: { htu: 'HTTPS://Billing.Example.COM:443/invoices?ignored=1' } });
    assert.equal((await v.verifyDpopBoundRequest(spelled)).jkt, key.jkt);
    for (const url of ['https://billing.example.com/invoices/1', 'http://billing.example.com/invoices', 'https://evil.example/invoices',
      'https://billing.example.com:8443/invoices', 'https://billing.example.com/INVOICES']) {
      await refused({ ...(await request()), url }, 'invalid_dpop_proof', /htu/);
    }
    await refused(request({ claims: { htu: 'not a url' } }), 'invalid_dpop_proof', /htu/);
    await refused(request({ claims: { htu: undefined } }), 'invalid_dpop_proof', /no "htu"/);
  });

  it('requires ath to be the hash of the presented token', async () => {
    await refused(request({ claims: { ath: undefined } }), 'invalid_dpop_proof', /no "ath"/);
    const another = await boundToken();
    await refused(request({ claims: { ath: accessTokenHash(another) } }), 'invalid_dpop_proof', /ath/);
  });

  it('accepts iat within the window only: stale and future proofs are refused', async () => {
    const now = nowSeconds();
    // Default window: 60 s old plus 30 s of clock tolerance; 30 s ahead.
    assert.ok(await verifier().verifyDpopBoundRequest(await request({ claims: { iat: now - 80 } })));
    assert.ok(await verifier().verifyDpopBoundRequest(await request({ claims: { iat: now + 20 } })));
    await refused(request({ claims: { iat: now - 100 } }), 'invalid_dpop_proof', /too old/);
    await refused(request({ claims: { iat: now + 40 } }), 'invalid_dpop_proof', /future/);
    await refused(request({ claims: { iat: undefined } }), 'invalid_dpop_proof', /no "iat"/);
    await refused(request({ claims: { iat: String(now) } }), 'invalid_dpop_proof', /"iat" is invalid/);
    const patient = verifier({ dpopProofMaxAgeSeconds: 300, clockToleranceSeconds: 0 });
    assert.ok(await patient.verifyDpopBoundRequest(await request({ claims: { iat: now - 250 } })));
    await refused(request({ claims: { iat: now + 5 } }), 'invalid_dpop_proof', /future/, patient);
    assert.throws(() => verifier({ dpopProofMaxAgeSeconds: 301 }), RangeError);
    assert.throws(() => verifier({ dpopProofMaxAgeSeconds: 0 }), RangeError);
  });

  it('requires typ dpop+jwt', async () => {
    for (const typ of ['JWT', 'at+jwt', 'application/dpop+jwt', undefined]) {
      await refused(request({ header: { typ } }), 'invalid_dpop_proof', /type must be dpop\+jwt/);
    }
  });

  it('refuses unsigned, HMAC and non-ES256 proofs', async () => {
    const { token } = await request();
    const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const header = { alg: 'none', typ: 'dpop+jwt', jwk: key.publicJwk };
    const claims = { jti: 'j', htm: 'GET', htu: URL_CALLED, iat: nowSeconds(), ath: accessTokenHash(token) };
    for (const proof of [`${b64(header)}.${b64(claims)}.`, `${b64(header)}.${b64(claims)}.AAAA`]) {
      await refused({ token, proof, method: 'GET', url: URL_CALLED }, 'invalid_dpop_proof', /DPoP proof/);
    }
    const secret = new Uint8Array(32);
    await refused(request({ header: { alg: 'HS256', jwk: { kty: 'oct', k: 'AAAA' } }, signWith: secret }), 'invalid_dpop_proof', /algorithm/);
    await refused(request({ header: { alg: 'HS256' }, signWith: secret }), 'invalid_dpop_proof', /algorithm/);
  });

  it('refuses a jwk with private members, a missing jwk, and headers that point elsewhere for the key', async () => {
    await refused(request({ header: { jwk: key.privateJwk } }), 'invalid_dpop_proof', /public key/);
    await refused(request({ header: { jwk: undefined } }), 'invalid_dpop_proof', /no "jwk"/);
    await refused(request({ header: { jku: 'https://evil.example/jwks' } }), 'invalid_dpop_proof', /"jku"/);
    await refused(request({ header: { x5c: ['AAAA'] } }), 'invalid_dpop_proof', /"x5c"/);
  });

  it('requires a jti and accepts each proof once per verifier', async () => {
    await refused(request({ claims: { jti: undefined } }), 'invalid_dpop_proof', /no "jti"/);
    await refused(request({ claims: { jti: 'x'.repeat(256) } }), 'invalid_dpop_proof', /"jti" is malformed/);
    const v = verifier();
    const r = await request();
    assert.equal((await v.verifyDpopBoundRequest(r)).jkt, key.jkt);
    await refused(r, 'invalid_dpop_proof', /already been used/, v);
    // A refused proof is not spent: after a failed attempt (wrong method) it still works once.
    const fresh = await request();
    await refused({ ...fresh, method: 'POST' }, 'invalid_dpop_proof', /htm/, v);
    assert.equal((await v.verifyDpopBoundRequest(fresh)).jkt, key.jkt);
    assert.throws(() => verifier({ dpopReplayCacheSize: 0 }), RangeError);
  });

  it('parses Authorization: DPoP headers', () => {
    assert.equal(dpopToken('DPoP abc.def.ghi'), 'abc.def.ghi');
    assert.equal(dpopToken('dpop abc'), 'abc');
    assert.equal(dpopToken('Bearer abc'), undefined);
    assert.equal(dpopToken('DPoP '), undefined);
    assert.equal(dpopToken('DPoP a b'), undefined);
    assert.equal(dpopToken(['DPoP abc']), undefined);
    assert.equal(dpopToken(undefined), undefined);
  });
});

describe('DpopReplayCache', () => {
  it('remembers a key until it expires', () => {
    const cache = new DpopReplayCache(10);
    assert.equal(cache.markOnce('a', 2_000, 1_000), true);
    assert.equal(cache.markOnce('a', 2_000, 1_999), false);
    assert.equal(cache.markOnce('a', 3_000, 2_000), true, 'expired entries are forgotten');
    assert.equal(cache.markOnce('a', 3_000, 2_500), false);
  });

  it('stays within its capacity, dropping expired entries first and then the oldest', () => {
    const cache = new DpopReplayCache(3);
    cache.markOnce('old', 1_500, 1_000);
    cache.markOnce('b', 9_000, 1_000);
    cache.markOnce('c', 9_000, 1_000);
    cache.markOnce('d', 9_000, 2_000); // 'old' has expired and makes room
    assert.equal(cache.size, 3);
    assert.equal(cache.markOnce('b', 9_000, 2_000), false, 'b survived');
    cache.markOnce('e', 9_000, 2_000); // full of live entries: the oldest (b) goes
    assert.equal(cache.size, 3);
    assert.equal(cache.markOnce('c', 9_000, 2_000), false);
    assert.equal(cache.markOnce('e', 9_000, 2_000), false);
    assert.equal(cache.markOnce('b', 9_000, 2_000), true, 'b was dropped as the oldest');
    for (let i = 0; i < 100; i++) cache.markOnce(`k${i}`, 9_000, 2_000);
    assert.equal(cache.size, 3);
  });
});

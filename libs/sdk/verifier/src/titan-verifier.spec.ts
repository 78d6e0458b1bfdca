import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK, type JWTPayload } from 'jose';
import { bearerToken, createTitanVerifier } from './titan-verifier';
import { TitanVerifierError } from './titan-verifier-error';

interface Key { kid: string; alg: string; privateKey: CryptoKey; jwk: JWK }

async function newKey(kid: string, alg = 'ES256'): Promise<Key> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  return { kid, alg, privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } };
}

describe('createTitanVerifier', () => {
  let server: Server;
  let issuer: string;
  let fetches = 0;
  const published: JWK[] = [];
  let k1: Key;
  let rsa: Key;
  const audience = 'billing-api';

  before(async () => {
    k1 = await newKey('k1');
    rsa = await newKey('r1', 'RS256');
    published.push(k1.jwk, rsa.jwk);
    server = createServer((req, res) => {
      if (req.url !== '/.well-known/jwks.json') return void res.writeHead(404).end();
      fetches++;
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: published }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const claims = (extra: JWTPayload = {}): JWTPayload => {
    const now = Math.floor(Date.now() / 1000);
    return {
      iss: issuer, sub: 'billing', aud: audience, iat: now, nbf: now, exp: now + 600,
      jti: crypto.randomUUID(), client_id: 'billing', scope: 'invoices:read invoices:write', ...extra,
    };
  };
  const sign = (key: Key, payload = claims(), header: Record<string, unknown> = {}) =>
    new SignJWT(payload).setProtectedHeader({ alg: key.alg, typ: 'at+jwt', kid: key.kid, ...header }).sign(key.privateKey);
  // jose refuses to sign unknown crit headers, so build that token by hand.
  const rawSign = async (key: Key, header: object, payload: object) => {
    const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const input = `${b64(header)}.${b64(payload)}`;
    const sig = await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, key.privateKey, Buffer.from(input));
    return `${input}.${Buffer.from(sig).toString('base64url')}`;
  };
  const verifier = (extra = {}) => createTitanVerifier({ issuer, audience, cooldownMs: 0, ...extra });
  const refused = async (token: Promise<string> | string, pattern: RegExp, v = verifier()) =>
    assert.rejects(v.verify(await token), (e: unknown) => {
      assert.ok(e instanceof TitanVerifierError);
      assert.equal(e.code, 'invalid_token');
      assert.match(e.message, pattern);
      return true;
    });

  it('accepts a valid ES256 token and returns its principal', async () => {
    const result = await verifier().verify(await sign(k1));
    assert.equal(result.subject, 'billing');
    assert.equal(result.clientId, 'billing');
    assert.deepEqual(result.scopes, ['invoices:read', 'invoices:write']);
    assert.equal(result.claims.iss, issuer);
  });

  it('accepts RS256 keys from the JWKS and one of several audiences', async () => {
    const v = verifier({ audience: ['other', audience] });
    assert.equal((await v.verify(await sign(rsa))).subject, 'billing');
  });

  it('refuses a wrong audience or issuer', async () => {
    await refused(sign(k1, claims({ aud: 'someone-else' })), /audience/);
    await refused(sign(k1, claims({ iss: 'https://evil.example' })), /issuer/);
  });

  it('refuses expired tokens beyond the clock tolerance only', async () => {
    const now = Math.floor(Date.now() / 1000);
    await refused(sign(k1, claims({ iat: now - 700, nbf: now - 700, exp: now - 60 })), /expired/);
    const v = verifier({ clockToleranceSeconds: 120 });
    assert.ok(await v.verify(await sign(k1, claims({ iat: now - 700, nbf: now - 700, exp: now - 60 }))));
    await refused(sign(k1, claims({ nbf: now + 600 })), /not yet valid/);
    assert.throws(() => verifier({ clockToleranceSeconds: 301 }), RangeError);
    assert.throws(() => verifier({ clockToleranceSeconds: -1 }), RangeError);
  });

  it('requires typ at+jwt and the RFC 9068 claims', async () => {
    await refused(sign(k1, claims(), { typ: 'JWT' }), /type/);
    await refused(sign(k1, claims(), { typ: undefined }), /type/);
    const { client_id: _c, ...noClientId } = claims();
    await refused(sign(k1, noClientId), /client_id/);
    await refused(sign(k1, claims({ cnf: { jkt: 'abc' } })), /DPoP/);
  });

  it('refetches the JWKS for an unknown kid (after the cooldown) and then accepts the new key', async () => {
    const v = verifier({ cooldownMs: 0 });
    await v.verify(await sign(k1));
    const k2 = await newKey('k2');
    const token = await sign(k2);
    await refused(token, /unknown key/, v);
    published.push(k2.jwk);
    const before = fetches;
    assert.equal((await v.verify(token)).subject, 'billing');
    assert.equal(fetches, before + 1);
  });

  it('does not refetch for unknown kids during the cooldown', async () => {
    const v = verifier({ cooldownMs: 60_000 });
    await v.verify(await sign(k1));
    const before = fetches;
    const stranger = await newKey('stranger');
    for (let i = 0; i < 5; i++) await refused(sign(stranger), /unknown key/, v);
    assert.equal(fetches, before);
  });

  it('refuses tokens whose header supplies its own key (jwk, jku, x5u, x5c) or crit', async () => {
    const attacker = await newKey('k1');
    await refused(sign(attacker, claims(), { jwk: attacker.jwk }), /"jwk"/);
    await refused(sign(k1, claims(), { jku: `${issuer}/.well-known/jwks.json` }), /"jku"/);
    await refused(sign(k1, claims(), { x5u: 'https://evil.example/cert.pem' }), /"x5u"/);
    await refused(sign(k1, claims(), { x5c: ['AAAA'] }), /"x5c"/);
    await refused(rawSign(k1, { alg: 'ES256', typ: 'at+jwt', kid: 'k1', crit: ['urn:x'], 'urn:x': 1 }, claims()), /"crit"/);
    // Without the header, the attacker's key is simply not Titan's.
    await refused(sign(attacker), /signature/);
  });

  it('refuses unsigned, HMAC and malformed tokens', async () => {
    const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    // An unsigned token has an empty signature segment: refused before anything is parsed.
    await refused(`${b64({ alg: 'none', typ: 'at+jwt', kid: 'k1' })}.${b64(claims())}.`, /not a signed JWT/);
    const hmac = await new SignJWT(claims()).setProtectedHeader({ alg: 'HS256', typ: 'at+jwt', kid: 'k1' }).sign(new Uint8Array(32));
    await refused(hmac, /algorithm/);
    await refused('not-a-jwt', /not a signed JWT/);
    await refused('a.b.c', /header/);
  });

  it('reports an unreachable JWKS as jwks_unavailable, not as a bad token', async () => {
    const v = createTitanVerifier({ issuer, audience, jwksUri: 'http://127.0.0.1:9/jwks.json', timeoutMs: 2000 });
    await assert.rejects(v.verify(await sign(k1)), { name: 'TitanVerifierError', code: 'jwks_unavailable' });
    const missing = createTitanVerifier({ issuer, audience, jwksUri: `${issuer}/nope` });
    await assert.rejects(missing.verify(await sign(k1)), { code: 'jwks_unavailable' });
  });

  it('parses Authorization headers', () => {
    assert.equal(bearerToken('Bearer abc.def.ghi'), 'abc.def.ghi');
    assert.equal(bearerToken('bearer abc'), 'abc');
    assert.equal(bearerToken('Basic abc'), undefined);
    assert.equal(bearerToken('Bearer '), undefined);
    assert.equal(bearerToken(undefined), undefined);
  });

  it('loads without NestJS', () => {
    const script = `require(${JSON.stringify(join(__dirname, 'index.js'))});` +
      `process.stdout.write(String(Object.keys(require.cache).some((k) => k.includes('@nestjs'))))`;
    const run = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stdout, 'false');
  });
});

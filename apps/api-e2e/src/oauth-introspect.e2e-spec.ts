import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { adminToken, bearer, call, handshake } from './support/api';
import { allModes } from './support/deployment-modes';
import { assertionParams, clientAssertion, now, payloadOf, postForm, signJws } from './support/oauth';
import { newServiceKey } from './support/service-key';
import { startTitan, type TitanProcess } from './support/titan-process';

/** The embedded database can take tens of seconds to open on a loaded CI machine. */
const READY_TIMEOUT_MS = 150_000;

const INACTIVE = { active: false };
const b64u = (value: unknown): string => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

/** DER form of a P1363 ECDSA signature (what Titan must never accept in a JWS). */
function derOf(p1363: Buffer): Buffer {
  const int = (bytes: Buffer): Buffer => {
    let i = 0;
    while (i < bytes.length - 1 && bytes[i] === 0) i++;
    let v = bytes.subarray(i);
    if (v[0]! & 0x80) v = Buffer.concat([Buffer.from([0]), v]);
    return Buffer.concat([Buffer.from([0x02, v.length]), v]);
  };
  const body = Buffer.concat([int(p1363.subarray(0, 32)), int(p1363.subarray(32))]);
  return Buffer.concat([Buffer.from([0x30, body.length]), body]);
}

/**
 * `POST /oauth2/introspect` and `POST /oauth2/revoke` (RFC 7662, RFC 7009). Forged tokens cannot
 * carry Titan's signature, so here each negative proves "never active" end to end; the CA's
 * local-token-verifier.spec.ts proves each rule with validly signed tokens (Titan's own key).
 */
for (const mode of allModes()) {
  describe(`introspection and revocation (${mode.name})`, { skip: mode.skip }, () => {
    const adminKey = newServiceKey();
    const rsKey = newServiceKey();
    const svcKey = newServiceKey();
    const victimKey = newServiceKey();
    const foreign = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    let titan: TitanProcess;
    let second: TitanProcess | undefined;
    let teardown: () => Promise<void>;
    let admin: string;

    const rsAuth = (path = '/oauth2/introspect') => assertionParams(clientAssertion(rsKey, 'rs', `${titan.issuer}${path}`));
    const introspect = (token: string, base = titan.url) => postForm(base, '/oauth2/introspect', { token, ...rsAuth() });
    const svcToken = async (extra: Record<string, string> = {}): Promise<string> => {
      const res = await handshake(titan.url, titan.issuer, 'svc', svcKey, { audience: 'https://billing.internal', ...extra });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      return res.body['access_token'] as string;
    };

    before(async () => {
      const setup = await mode.setup();
      teardown = setup.teardown;
      const env = { ...setup.env, TITAN_BOOTSTRAP_ADMIN_JWK: JSON.stringify(adminKey.publicJwk) };
      titan = await startTitan(env, READY_TIMEOUT_MS);
      if (mode.name === 'production') second = await startTitan({ ...setup.env, TITAN_ISSUER: titan.issuer }, READY_TIMEOUT_MS);
      admin = await adminToken(titan.url, titan.issuer, adminKey);
      for (const [id, key, extra] of [
        ['rs', rsKey, {}],
        ['svc', svcKey, { scopes: ['billing:read'], audiences: ['https://billing.internal'] }],
        ['victim', victimKey, {}],
      ] as const) {
        const res = await call(titan.url, 'POST', '/v1/identities', { id, publicKey: key.publicJwk, ...extra }, bearer(admin));
        assert.equal(res.status, 201);
      }
    });
    after(async () => {
      await second?.stop();
      await titan?.stop();
      await teardown?.();
    });

    it('introspects a valid token of any audience with its claims, no-store', async () => {
      const token = await svcToken();
      const res = await introspect(token);
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('cache-control'), 'no-store');
      const claims = payloadOf(token);
      assert.deepEqual(res.body, {
        active: true, iss: titan.issuer, sub: 'svc', aud: 'https://billing.internal', client_id: 'svc', scope: 'billing:read',
        exp: claims['exp'], iat: claims['iat'], nbf: claims['nbf'], jti: claims['jti'], token_type: 'Bearer',
      });
      // The caller's assertion may also name the issuer; a bearer with titan:introspect works too.
      const viaIssuerAud = await postForm(titan.url, '/oauth2/introspect', { token, ...assertionParams(clientAssertion(rsKey, 'rs', titan.issuer)) });
      assert.equal(viaIssuerAud.body['active'], true);
      const introspector = await handshake(titan.url, titan.issuer, 'admin', adminKey, { audience: titan.issuer, scope: 'titan:introspect' });
      const viaBearer = await postForm(titan.url, '/oauth2/introspect', { token }, bearer(introspector.body['access_token'] as string));
      assert.equal(viaBearer.body['active'], true);
    });

    it('authenticates the caller: bearer without titan:introspect 403, none 401, both ways at once 400', async () => {
      const token = await svcToken();
      const noScope = await postForm(titan.url, '/oauth2/introspect', { token }, bearer(admin));
      assert.equal(noScope.status, 403);
      assert.equal(noScope.body['error'], 'insufficient_scope');
      const none = await postForm(titan.url, '/oauth2/introspect', { token });
      assert.equal(none.status, 401);
      assert.equal(none.body['error'], 'invalid_client');
      const badBearer = await postForm(titan.url, '/oauth2/introspect', { token }, bearer(token));
      assert.equal(badBearer.status, 401, 'a token for another audience is not a credential at Titan');
      const both = await postForm(titan.url, '/oauth2/introspect', { token, ...rsAuth() }, bearer(admin));
      assert.equal(both.status, 400);
    });

    it('answers exactly {"active":false} to every forged or broken token', async () => {
      const token = await svcToken();
      const [h, p, s] = token.split('.') as [string, string, string];
      const header = JSON.parse(Buffer.from(h, 'base64url').toString()) as Record<string, unknown>;
      const kid = header['kid'] as string;
      const claims = payloadOf(token);
      const sig = Buffer.from(s, 'base64url');
      const jwks = (await call<{ keys: Array<Record<string, string>> }>(titan.url, 'GET', '/.well-known/jwks.json')).body.keys;
      const titanJwk = jwks.find((k) => k['kid'] === kid)!;
      const pem = createPublicKey({ key: titanJwk, format: 'jwk' }).export({ type: 'spki', format: 'pem' }) as string;
      const hs256 = (secret: string) => {
        const input = `${b64u({ alg: 'HS256', typ: 'at+jwt', kid })}.${p}`;
        return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
      };
      const forged = (hdr: Record<string, unknown>, body: Record<string, unknown> = claims) => signJws(hdr, body, foreign.privateKey);
      const foreignJwk = foreign.publicKey.export({ format: 'jwk' });
      const t = now();
      const cases: Record<string, string> = {
        'alg none': `${b64u({ alg: 'none', typ: 'at+jwt', kid })}.${p}.`,
        'alg None': `${b64u({ alg: 'None', typ: 'at+jwt', kid })}.${p}.`,
        'alg NONE': `${b64u({ alg: 'NONE', typ: 'at+jwt', kid })}.${p}.`,
        'alg nOnE, signature kept': `${b64u({ alg: 'nOnE', typ: 'at+jwt', kid })}.${p}.${s}`,
        'HS256 keyed with the JWK': hs256(JSON.stringify(titanJwk)),
        'HS256 keyed with the PEM': hs256(pem),
        'unknown kid': forged({ alg: 'ES256', typ: 'at+jwt', kid: 'unknown-kid' }),
        'injected kid (path)': forged({ alg: 'ES256', typ: 'at+jwt', kid: '../../../../dev/null' }),
        'injected kid (SQL)': forged({ alg: 'ES256', typ: 'at+jwt', kid: `${kid}' OR '1'='1` }),
        "foreign key under Titan's kid": forged({ alg: 'ES256', typ: 'at+jwt', kid }),
        'jku header': forged({ alg: 'ES256', typ: 'at+jwt', kid, jku: 'https://evil.example/jwks.json' }),
        'x5u header': forged({ alg: 'ES256', typ: 'at+jwt', kid, x5u: 'https://evil.example/cert.pem' }),
        'jwk header': forged({ alg: 'ES256', typ: 'at+jwt', jwk: foreignJwk }),
        'jwk header with kid': forged({ alg: 'ES256', typ: 'at+jwt', kid, jwk: foreignJwk }),
        'unknown crit': `${b64u({ ...header, crit: ['urn:example:x'], 'urn:example:x': 1 })}.${p}.${s}`,
        'typ JWT': `${b64u({ ...header, typ: 'JWT' })}.${p}.${s}`,
        'no typ': `${b64u({ alg: 'ES256', kid })}.${p}.${s}`,
        'expired': forged({ alg: 'ES256', typ: 'at+jwt', kid }, { ...claims, iat: t - 1000, nbf: t - 1000, exp: t - 400 }),
        'expired, Titan signature kept': `${h}.${b64u({ ...claims, exp: t - 400 })}.${s}`,
        'not yet valid': `${h}.${b64u({ ...claims, nbf: t + 600, exp: t + 1200 })}.${s}`,
        'too long-lived': `${h}.${b64u({ ...claims, exp: t + 86_400 * 30 })}.${s}`,
        'wrong iss': `${h}.${b64u({ ...claims, iss: 'https://evil.example' })}.${s}`,
        'more scope': `${h}.${b64u({ ...claims, scope: 'titan:admin' })}.${s}`,
        'DER signature': `${h}.${p}.${derOf(sig).toString('base64url')}`,
        'signature 63 bytes': `${h}.${p}.${sig.subarray(0, 63).toString('base64url')}`,
        'signature 65 bytes': `${h}.${p}.${Buffer.concat([sig, Buffer.from([0])]).toString('base64url')}`,
        'r = 0': `${h}.${p}.${Buffer.concat([Buffer.alloc(32), sig.subarray(32)]).toString('base64url')}`,
        's = 0': `${h}.${p}.${Buffer.concat([sig.subarray(0, 32), Buffer.alloc(32)]).toString('base64url')}`,
        'r = s = 0': `${h}.${p}.${Buffer.alloc(64).toString('base64url')}`,
        'padded signature': `${h}.${p}.${sig.toString('base64')}`,
        'two parts': `${h}.${p}`,
        'garbage': 'not-a-jwt',
      };
      for (const [what, forgedToken] of Object.entries(cases)) {
        const res = await introspect(forgedToken);
        assert.equal(res.status, 200, what);
        assert.deepEqual(res.body, INACTIVE, what);
      }
      assert.equal((await introspect(token)).body['active'], true, 'the original is still fine');
    });

    it('revokes: a client its own tokens, an admin any; revoked tokens are inactive and refused at Titan', async () => {
      const own = await svcToken();
      const svcAuth = assertionParams(clientAssertion(svcKey, 'svc', `${titan.issuer}/oauth2/revoke`));
      const res = await postForm(titan.url, '/oauth2/revoke', { token: own, token_type_hint: 'access_token', ...svcAuth });
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('cache-control'), 'no-store');
      assert.deepEqual((await introspect(own)).body, INACTIVE);
      if (second) assert.deepEqual((await introspect(own, second.url)).body, INACTIVE, 'denied at every instance');

      const foreignToken = await svcToken();
      const refused = await postForm(titan.url, '/oauth2/revoke', { token: foreignToken, ...assertionParams(clientAssertion(rsKey, 'rs', titan.issuer)) });
      assert.equal(refused.status, 400);
      assert.equal(refused.body['error'], 'unauthorized_client');
      assert.equal((await introspect(foreignToken)).body['active'], true);
      const byAdmin = await postForm(titan.url, '/oauth2/revoke', { token: foreignToken }, bearer(admin));
      assert.equal(byAdmin.status, 200);
      assert.deepEqual((await introspect(foreignToken)).body, INACTIVE);

      for (const junk of ['not-a-token', `${foreignToken}x`]) {
        const ok = await postForm(titan.url, '/oauth2/revoke', { token: junk, ...assertionParams(clientAssertion(rsKey, 'rs', titan.issuer)) });
        assert.equal(ok.status, 200, 'unknown tokens answer 200 (RFC 7009 section 2.2)');
      }
      const noAuth = await postForm(titan.url, '/oauth2/revoke', { token: own });
      assert.equal(noAuth.status, 401);

      // Titan's own endpoints check the denylist too: a revoked admin token stops at once.
      const spare = await adminToken(titan.url, titan.issuer, adminKey);
      assert.equal((await call(titan.url, 'GET', '/v1/identities', undefined, bearer(spare))).status, 200);
      assert.equal((await postForm(titan.url, '/oauth2/revoke', { token: spare }, bearer(spare))).status, 200, 'a caller revokes its own bearer token');
      assert.equal((await call(titan.url, 'GET', '/v1/identities', undefined, bearer(spare))).status, 401);
      if (second) assert.equal((await call(second.url, 'GET', '/v1/identities', undefined, bearer(spare))).status, 401);
    });

    it("makes a revoked identity's tokens inactive at once", async () => {
      const res = await handshake(titan.url, titan.issuer, 'victim', victimKey);
      const token = res.body['access_token'] as string;
      assert.equal((await introspect(token)).body['active'], true);
      if (second) assert.equal((await introspect(token, second.url)).body['active'], true, 'cached at the second instance');
      assert.equal((await call(titan.url, 'POST', '/v1/identities/victim/revoke', { reason: 'test' }, bearer(admin))).status, 200);
      assert.deepEqual((await introspect(token)).body, INACTIVE);
      if (second) {
        // The change bus reaches the other instance asynchronously; give it a moment.
        let body: Record<string, unknown> = {};
        for (let i = 0; i < 20; i++) {
          body = (await introspect(token, second.url)).body;
          if (body['active'] === false) break;
          await new Promise((r) => setTimeout(r, 50));
        }
        assert.deepEqual(body, INACTIVE);
      }
    });
  });
}

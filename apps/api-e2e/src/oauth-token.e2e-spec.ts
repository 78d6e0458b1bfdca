import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import * as oidc from 'openid-client';
import { adminToken, bearer, call, handshake } from './support/api';
import { allModes } from './support/deployment-modes';
import { JWT_BEARER, assertionParams, clientAssertion, now, payloadOf, postForm } from './support/oauth';
import { newServiceKey } from './support/service-key';
import { startTitan, type TitanProcess } from './support/titan-process';

/** The embedded database can take tens of seconds to open on a loaded CI machine. */
const READY_TIMEOUT_MS = 150_000;

const basic = (id: string, secret: string): Record<string, string> =>
  ({ authorization: `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}` });

/**
 * `POST /oauth2/token` and the RFC 8414 metadata (PRODUCT.md section 5): an off-the-shelf client
 * (openid-client) gets a token from the metadata alone, jose verifies it, and every client
 * authentication failure is a 401 invalid_client with no token.
 */
for (const mode of allModes()) {
  describe(`OAuth token endpoint (${mode.name})`, { skip: mode.skip }, () => {
    const adminKey = newServiceKey();
    const svcKey = newServiceKey();
    const otherKey = newServiceKey();
    const legacyKey = newServiceKey();
    const goneKey = newServiceKey();
    let titan: TitanProcess;
    let teardown: () => Promise<void>;
    let tokenEndpoint: string;
    let legacySecret: string;

    const token = (params: Record<string, string>, headers: Record<string, string> = {}) =>
      postForm(titan.url, '/oauth2/token', { grant_type: 'client_credentials', ...params }, headers);
    const assertion = (claims: Record<string, unknown> = {}, header: Record<string, unknown> = {}, key = svcKey, id = 'svc') =>
      assertionParams(clientAssertion(key, id, tokenEndpoint, claims, header));
    const refused = (res: { status: number; body: Record<string, unknown>; headers: Headers }, error: string, what: string) => {
      assert.equal(res.body['error'], error, `${what}: ${JSON.stringify(res.body)}`);
      assert.equal(res.status, error === 'invalid_client' ? 401 : 400, what);
      assert.equal(typeof res.body['error_description'], 'string', what);
      assert.equal(res.body['access_token'], undefined, what);
      assert.equal(res.headers.get('cache-control'), 'no-store', what);
      assert.equal(res.headers.get('pragma'), 'no-cache', what);
      if (error === 'invalid_client') {
        assert.deepEqual(res.body, { error: 'invalid_client', error_description: 'client authentication failed' }, what);
        assert.match(res.headers.get('www-authenticate') ?? '', /^Basic realm=/, what);
      }
    };

    before(async () => {
      const setup = await mode.setup();
      teardown = setup.teardown;
      titan = await startTitan({ ...setup.env, TITAN_BOOTSTRAP_ADMIN_JWK: JSON.stringify(adminKey.publicJwk) }, READY_TIMEOUT_MS);
      tokenEndpoint = `${titan.issuer}/oauth2/token`;
      const admin = await adminToken(titan.url, titan.issuer, adminKey);
      const register = async (body: Record<string, unknown>) => {
        const res = await call(titan.url, 'POST', '/v1/identities', body, bearer(admin));
        assert.equal(res.status, 201, JSON.stringify(res.body));
        return res;
      };
      const svc = await register({ id: 'svc', publicKey: svcKey.publicJwk, scopes: ['billing:read', 'billing:write'], audiences: ['https://billing.internal'] });
      assert.equal(svc.body['clientSecret'], undefined, 'no secret unless asked');
      await register({ id: 'other', publicKey: otherKey.publicJwk, scopes: ['x'] });
      await register({ id: 'gone', publicKey: goneKey.publicJwk });
      const legacy = await register({ id: 'legacy', publicKey: legacyKey.publicJwk, scopes: ['billing:read'], secret: true });
      legacySecret = legacy.body['clientSecret'] as string;
      assert.match(legacySecret, /^[A-Za-z0-9_-]{43}$/, '256-bit base64url secret, shown once');
      assert.equal(legacy.headers.get('cache-control'), 'no-store');
      const read = await call(titan.url, 'GET', '/v1/identities/legacy', undefined, bearer(admin));
      assert.equal(read.body['clientSecret'], undefined, 'never shown again');
      assert.equal(JSON.stringify(read.body).includes(legacySecret), false);
      assert.equal((await call(titan.url, 'POST', '/v1/identities/gone/revoke', { reason: 'test' }, bearer(admin))).status, 200);
    });
    after(async () => {
      await titan?.stop();
      await teardown?.();
    });

    it('publishes truthful RFC 8414 metadata', async () => {
      const res = await call(titan.url, 'GET', '/.well-known/oauth-authorization-server');
      assert.equal(res.status, 200);
      const i = titan.issuer;
      assert.deepEqual(res.body, {
        issuer: i,
        token_endpoint: `${i}/oauth2/token`,
        jwks_uri: `${i}/.well-known/jwks.json`,
        introspection_endpoint: `${i}/oauth2/introspect`,
        revocation_endpoint: `${i}/oauth2/revoke`,
        grant_types_supported: ['client_credentials'],
        response_types_supported: [],
        token_endpoint_auth_methods_supported: ['private_key_jwt', 'client_secret_basic', 'client_secret_post'],
        token_endpoint_auth_signing_alg_values_supported: ['ES256'],
        introspection_endpoint_auth_methods_supported: ['private_key_jwt', 'client_secret_basic', 'client_secret_post'],
        introspection_endpoint_auth_signing_alg_values_supported: ['ES256'],
        revocation_endpoint_auth_methods_supported: ['private_key_jwt', 'client_secret_basic', 'client_secret_post'],
        revocation_endpoint_auth_signing_alg_values_supported: ['ES256'],
        dpop_signing_alg_values_supported: ['ES256'],
        service_documentation: `${i}/api/docs`,
      });
    });

    it('openid-client gets a token with private_key_jwt from the metadata alone; jose verifies it via the JWKS', async () => {
      const privateKey = await crypto.subtle.importKey('jwk', svcKey.privateJwk, { name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign']);
      const config = await oidc.discovery(new URL(titan.issuer), 'svc', undefined, oidc.PrivateKeyJwt(privateKey), {
        algorithm: 'oauth2',
        execute: [oidc.allowInsecureRequests],
      });
      const tokens = await oidc.clientCredentialsGrant(config, { scope: 'billing:read', resource: 'https://billing.internal' });
      assert.equal(tokens.token_type, 'bearer');
      assert.equal(tokens.scope, 'billing:read');
      const jwks = createRemoteJWKSet(new URL(config.serverMetadata().jwks_uri!));
      const { payload, protectedHeader } = await jwtVerify(tokens.access_token, jwks, {
        issuer: titan.issuer, audience: 'https://billing.internal', typ: 'at+jwt', algorithms: ['ES256'],
      });
      assert.equal(protectedHeader.alg, 'ES256');
      assert.equal(payload.sub, 'svc');
      assert.equal(payload['client_id'], 'svc');
      assert.equal(payload['scope'], 'billing:read');
      assert.equal(payload['cnf'], undefined, 'a Bearer token never carries cnf');
      // The same claims as the native handshake: one minting path.
      const native = await handshake(titan.url, titan.issuer, 'svc', svcKey, { audience: 'https://billing.internal', scope: 'billing:read' });
      const nativeClaims = payloadOf(native.body['access_token'] as string);
      assert.deepEqual(Object.keys(payload).sort(), Object.keys(nativeClaims).sort());
      for (const claim of ['iss', 'sub', 'aud', 'client_id', 'scope']) assert.equal(payload[claim], nativeClaims[claim], claim);
      assert.equal((payload.exp! - payload.iat!), (nativeClaims['exp'] as number) - (nativeClaims['iat'] as number));
    });

    it('answers a valid request with no-store and the default grant', async () => {
      const res = await token(assertion());
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.equal(res.headers.get('cache-control'), 'no-store');
      assert.equal(res.headers.get('pragma'), 'no-cache');
      assert.deepEqual(Object.keys(res.body).sort(), ['access_token', 'expires_in', 'scope', 'token_type']);
      assert.equal(res.body['token_type'], 'Bearer');
      assert.equal(res.body['scope'], 'billing:read billing:write');
      assert.equal(payloadOf(res.body['access_token'] as string)['aud'], 'https://billing.internal', 'first allowed audience by default');
      const aud = await token({ ...assertion({ aud: titan.issuer }), audience: titan.issuer, scope: 'billing:write' });
      assert.equal(aud.status, 200, 'aud may be the issuer; the audience parameter names the token audience');
      assert.equal(payloadOf(aud.body['access_token'] as string)['aud'], titan.issuer);
    });

    it('refuses bad client assertions with invalid_client and issues nothing', async () => {
      const replayed = assertion();
      assert.equal((await token(replayed)).status, 200);
      refused(await token(replayed), 'invalid_client', 'replayed jti');
      refused(await token(assertion({ exp: now() + 3600 })), 'invalid_client', 'exp too far ahead');
      refused(await token(assertion({ exp: now() + 400 })), 'invalid_client', 'exp beyond 5 minutes');
      refused(await token(assertion({ exp: undefined })), 'invalid_client', 'no exp');
      refused(await token(assertion({ exp: now() - 120 })), 'invalid_client', 'expired');
      refused(await token(assertion({ jti: undefined })), 'invalid_client', 'no jti');
      refused(await token(assertion({ aud: 'https://elsewhere.example/oauth2/token' })), 'invalid_client', 'wrong aud');
      refused(await token(assertion({ sub: 'other' })), 'invalid_client', 'sub differs from iss');
      refused(await token(assertion({}, {}, otherKey)), 'invalid_client', "another identity's key");
      refused(await token(assertion({}, {}, newServiceKey())), 'invalid_client', 'an unknown key');
      refused(await token(assertion({}, {}, goneKey, 'gone')), 'invalid_client', 'revoked identity');
      refused(await token(assertion({}, {}, svcKey, 'nobody')), 'invalid_client', 'unknown identity');
      refused(await token(assertion({}, { alg: 'HS256' })), 'invalid_client', 'alg HS256');
      refused(await token(assertion({}, { jwk: svcKey.publicJwk })), 'invalid_client', 'jwk header');
      refused(await token(assertion({}, { jku: 'https://evil.example/jwks' })), 'invalid_client', 'jku header');
      refused(await token(assertion({}, { typ: 'at+jwt' })), 'invalid_client', 'an access token as assertion');
      refused(await token({ ...assertion(), client_id: 'other' }), 'invalid_client', 'client_id differs');
      const [h, p] = clientAssertion(svcKey, 'svc', tokenEndpoint).split('.');
      refused(await token(assertionParams(`${h}.${p}.${Buffer.alloc(64).toString('base64url')}`)), 'invalid_client', 'r = s = 0');
      refused(await token({ client_assertion_type: 'urn:example:other', client_assertion: clientAssertion(svcKey, 'svc', tokenEndpoint) }), 'invalid_request', 'wrong assertion type');
      refused(await token({ client_assertion_type: JWT_BEARER }), 'invalid_request', 'type without assertion');
      refused(await token({}), 'invalid_client', 'no client authentication');
    });

    it('authenticates legacy clients by secret (Basic or form), and nobody else', async () => {
      const viaBasic = await token({}, basic('legacy', legacySecret));
      assert.equal(viaBasic.status, 200, JSON.stringify(viaBasic.body));
      assert.equal(payloadOf(viaBasic.body['access_token'] as string)['sub'], 'legacy');
      const viaPost = await token({ client_id: 'legacy', client_secret: legacySecret });
      assert.equal(viaPost.status, 200);
      refused(await token({}, basic('legacy', legacySecret.slice(0, -1) + (legacySecret.endsWith('A') ? 'B' : 'A'))), 'invalid_client', 'wrong secret');
      refused(await token({ client_id: 'legacy', client_secret: 'guess' }), 'invalid_client', 'wrong secret (post)');
      refused(await token({}, basic('svc', legacySecret)), 'invalid_client', 'secret for an identity without one');
      refused(await token({}, basic('nobody', legacySecret)), 'invalid_client', 'unknown client');
      refused(await token({ client_id: 'legacy', client_secret: legacySecret }, basic('legacy', legacySecret)), 'invalid_request', 'two methods at once');
      refused(await token({ ...assertion(), client_secret: legacySecret, client_id: 'svc' }), 'invalid_request', 'assertion and secret');
      refused(await token({ client_secret: legacySecret }), 'invalid_request', 'client_secret_post without client_id');
    });

    it('checks the grant: type, scope and target', async () => {
      refused(await postForm(titan.url, '/oauth2/token', assertion()), 'invalid_request', 'no grant_type');
      for (const grant of ['refresh_token', 'password', 'authorization_code', 'urn:ietf:params:oauth:grant-type:jwt-bearer']) {
        refused(await token({ ...assertion(), grant_type: grant }), 'unsupported_grant_type', grant);
      }
      refused(await token({ ...assertion(), scope: 'billing:read admin:all' }), 'invalid_scope', 'scope not allowed');
      refused(await token({ ...assertion(), scope: 'Bad Scope!' }), 'invalid_scope', 'malformed scope');
      refused(await token({ ...assertion(), resource: 'https://elsewhere.example' }), 'invalid_target', 'resource not allowed');
      refused(await token({ ...assertion(), resource: 'https://billing.internal', audience: titan.issuer }), 'invalid_target', 'two targets');
      const dup = await fetch(`${titan.url}/oauth2/token`, {
        method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: `grant_type=client_credentials&grant_type=client_credentials&${new URLSearchParams(assertion())}`,
      });
      assert.equal(dup.status, 400, 'a parameter sent twice');
      const unknownParam = await token({ ...assertion(), foo: 'ignored' });
      assert.equal(unknownParam.status, 200, 'unknown parameters are ignored (RFC 6749 section 3.2)');
      const json = await call(titan.url, 'POST', '/oauth2/token', { grant_type: 'client_credentials' });
      assert.equal(json.status, 415);
    });
  });
}

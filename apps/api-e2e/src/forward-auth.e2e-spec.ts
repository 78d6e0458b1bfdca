import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { adminToken, bearer, call, challenge, handshake } from './support/api';
import { allModes } from './support/deployment-modes';
import { accessTokenHash, dpopProof } from './support/oauth';
import { newServiceKey, signProof } from './support/service-key';
import { startTitan, type TitanProcess } from './support/titan-process';

/** The embedded database can take tens of seconds to open on a loaded CI machine. */
const READY_TIMEOUT_MS = 150_000;

/** What a gateway in front of `https://api.example` sends for `GET /orders?id=7`. */
const FORWARDED = { 'x-forwarded-method': 'GET', 'x-forwarded-proto': 'https', 'x-forwarded-host': 'api.example', 'x-forwarded-uri': '/orders?id=7' };
const FORWARDED_URL = 'https://api.example/orders';

/**
 * Gateway forward-auth, `GET /v1/authz/forward` (PRODUCT.md section 8), as nginx `auth_request` or
 * Traefik `forwardAuth` call it: the client's headers in, `200` with `X-Titan-*` or a `401`/`403`
 * challenge out. Revocation and DPoP binding hold there as everywhere.
 */
for (const mode of allModes()) {
  describe(`gateway forward-auth (${mode.name})`, { skip: mode.skip }, () => {
    const adminKey = newServiceKey();
    const svcKey = newServiceKey();
    const otherKey = newServiceKey();
    let titan: TitanProcess;
    let teardown: () => Promise<void>;
    let admin: string;
    let ordersToken: string;

    const forward = (query: string, headers: Record<string, string>) => call(titan.url, 'GET', `/v1/authz/forward${query}`, undefined, headers);
    const register = async (id: string, key: typeof svcKey) => {
      const res = await call(titan.url, 'POST', '/v1/identities',
        { id, publicKey: key.publicJwk, scopes: ['orders:read', 'orders:write'], audiences: ['orders-api', 'billing-api'] }, bearer(admin));
      assert.equal(res.status, 201, JSON.stringify(res.body));
    };
    const tokenFor = async (id: string, key: typeof svcKey, scope: string): Promise<string> => {
      const res = await handshake(titan.url, titan.issuer, id, key, { audience: 'orders-api', scope });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      return res.body['access_token'] as string;
    };

    before(async () => {
      const setup = await mode.setup();
      teardown = setup.teardown;
      titan = await startTitan({ ...setup.env, TITAN_BOOTSTRAP_ADMIN_JWK: JSON.stringify(adminKey.publicJwk) }, READY_TIMEOUT_MS);
      admin = await adminToken(titan.url, titan.issuer, adminKey);
      await register('orders-client', svcKey);
      ordersToken = await tokenFor('orders-client', svcKey, 'orders:read');
    });
    after(async () => {
      await titan?.stop();
      await teardown?.();
    });

    it('lets a valid token for the route\'s audience and scopes pass, saying who the caller is', async () => {
      const res = await forward('?audience=orders-api&scope=orders:read', { ...bearer(ordersToken), ...FORWARDED });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.equal(res.headers.get('x-titan-subject'), 'orders-client');
      assert.equal(res.headers.get('x-titan-scopes'), 'orders:read');
      assert.equal(res.headers.get('x-titan-client-id'), 'orders-client');
      assert.equal(res.headers.get('cache-control'), 'no-store');
      // Without a configured audience any Titan token passes; HEAD is answered like GET.
      assert.equal((await forward('', bearer(ordersToken))).status, 200);
      assert.equal((await fetch(`${titan.url}/v1/authz/forward`, { method: 'HEAD', headers: bearer(ordersToken) })).status, 200);
    });

    it('answers 401 with an RFC 6750 challenge for a missing, malformed, forged or foreign-audience token', async () => {
      const missing = await forward('?audience=orders-api', FORWARDED);
      assert.equal(missing.status, 401);
      assert.equal(missing.headers.get('www-authenticate'), 'Bearer');
      assert.equal(missing.body['error'], 'invalid_token');

      const [header, payload] = ordersToken.split('.');
      const forged = `${header}.${payload}.${Buffer.alloc(64, 1).toString('base64url')}`;
      for (const token of ['not-a-jwt', forged]) {
        const res = await forward('?audience=orders-api', bearer(token));
        assert.equal(res.status, 401, token);
        assert.equal(res.headers.get('www-authenticate'), 'Bearer error="invalid_token"');
        assert.deepEqual(Object.keys(res.body).sort(), ['error', 'error_description']);
      }
      const elsewhere = await forward('?audience=billing-api', bearer(ordersToken));
      assert.equal(elsewhere.status, 401, 'a token for orders-api does not open billing-api');
    });

    it('answers 403 insufficient_scope naming the scopes the route requires', async () => {
      const res = await forward('?audience=orders-api&scope=orders:read%20orders:write', bearer(ordersToken));
      assert.equal(res.status, 403);
      assert.equal(res.body['error'], 'insufficient_scope');
      assert.equal(res.headers.get('www-authenticate'), 'Bearer error="insufficient_scope", scope="orders:read orders:write"');
    });

    it('refuses a malformed route configuration with 400, never a 500', async () => {
      for (const query of ['?audience=has%20space', '?scope=%22quoted%22', '?scope=a%20%20b', '?unknown=1', `?audience=${'a'.repeat(256)}`]) {
        const res = await forward(query, bearer(ordersToken));
        assert.equal(res.status, 400, query);
        assert.equal(res.body['error'], 'invalid_request', query);
      }
    });

    it('checks a DPoP-bound token\'s proof against the forwarded request, once per proof', async () => {
      await register('orders-dpop', otherKey);
      const c = await challenge(titan.url, 'orders-dpop', { audience: 'orders-api', scope: 'orders:read' });
      const minted = await call(titan.url, 'POST', '/v1/zkp/token',
        { identityId: 'orders-dpop', challengeId: c.challengeId, signature: signProof(otherKey, titan.issuer, 'orders-dpop', c.challengeId, c.nonce) },
        { dpop: dpopProof(otherKey, 'POST', `${titan.issuer}/v1/zkp/token`) });
      assert.equal(minted.status, 200, JSON.stringify(minted.body));
      assert.equal(minted.body['token_type'], 'DPoP');
      const bound = minted.body['access_token'] as string;
      const ath = accessTokenHash(bound);

      const asBearer = await forward('?audience=orders-api', { ...bearer(bound), ...FORWARDED });
      assert.equal(asBearer.status, 401, 'a bound token is not a bearer token');

      const proof = dpopProof(otherKey, 'GET', FORWARDED_URL, { ath });
      const ok = await forward('?audience=orders-api', { authorization: `DPoP ${bound}`, dpop: proof, ...FORWARDED });
      assert.equal(ok.status, 200, JSON.stringify(ok.body));
      assert.equal(ok.headers.get('x-titan-subject'), 'orders-dpop');

      const replayed = await forward('?audience=orders-api', { authorization: `DPoP ${bound}`, dpop: proof, ...FORWARDED });
      assert.equal(replayed.status, 401, 'a proof is single use');
      const otherUrl = dpopProof(otherKey, 'GET', 'https://api.example/admin', { ath });
      assert.equal((await forward('?audience=orders-api', { authorization: `DPoP ${bound}`, dpop: otherUrl, ...FORWARDED })).status, 401);
      const otherKeyProof = dpopProof(svcKey, 'GET', FORWARDED_URL, { ath });
      assert.equal((await forward('?audience=orders-api', { authorization: `DPoP ${bound}`, dpop: otherKeyProof, ...FORWARDED })).status, 401);
      // ingress-nginx names the request with X-Original-Method and X-Original-URL.
      const nginx = await forward('?audience=orders-api', {
        authorization: `DPoP ${bound}`, dpop: dpopProof(otherKey, 'POST', FORWARDED_URL, { ath }),
        'x-original-method': 'POST', 'x-original-url': 'https://api.example/orders?id=7',
      });
      assert.equal(nginx.status, 200, JSON.stringify(nginx.body));
    });

    it('stops a revoked identity\'s tokens at once', async () => {
      const key = newServiceKey();
      await register('orders-gone', key);
      const token = await tokenFor('orders-gone', key, 'orders:read');
      assert.equal((await forward('?audience=orders-api', bearer(token))).status, 200);
      const revoked = await call(titan.url, 'POST', '/v1/identities/orders-gone/revoke', { reason: 'decommissioned' }, bearer(admin));
      assert.equal(revoked.status, 200, JSON.stringify(revoked.body));
      const after = await forward('?audience=orders-api', bearer(token));
      assert.equal(after.status, 401);
      assert.equal(after.body['error'], 'invalid_token');
    });
  });
}

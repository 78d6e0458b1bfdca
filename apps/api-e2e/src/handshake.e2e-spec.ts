import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { adminToken, bearer, call, handshake } from './support/api';
import { allModes } from './support/deployment-modes';
import { newServiceKey } from './support/service-key';
import { freePort, startTitan, type TitanProcess } from './support/titan-process';

/**
 * The foundation flow from the outside: bootstrap the admin from TITAN_BOOTSTRAP_ADMIN_JWK, register a
 * service, complete the handshake as that service, verify the token offline with jose against the JWKS;
 * then restart on the same storage and check nothing was lost.
 */
for (const mode of allModes()) {
  describe(`handshake end to end (${mode.name})`, { skip: mode.skip }, () => {
    const adminKey = newServiceKey();
    const serviceKey = newServiceKey();
    let env: Record<string, string>;
    let teardown: () => Promise<void>;
    let titan: TitanProcess;

    before(async () => {
      ({ env, teardown } = await mode.setup());
      // A fixed port keeps the issuer the same across the restart.
      env = { ...env, PORT: String(await freePort()), TITAN_BOOTSTRAP_ADMIN_JWK: JSON.stringify(adminKey.publicJwk) };
      titan = await startTitan(env);
    });
    after(async () => {
      await titan?.stop();
      await teardown?.();
    });

    let firstToken: string;

    it('registers a service and mints a token that jose verifies through the JWKS', async () => {
      const admin = await adminToken(titan.url, titan.issuer, adminKey);
      const created = await call(titan.url, 'POST', '/v1/identities', {
        id: 'billing-api', publicKey: serviceKey.publicJwk, scopes: ['billing:read', 'billing:write'], audiences: ['https://billing.internal'],
      }, bearer(admin));
      assert.equal(created.status, 201, JSON.stringify(created.body));
      assert.equal(created.body['status'], 'active');

      const minted = await handshake(titan.url, titan.issuer, 'billing-api', serviceKey, { scope: 'billing:read' });
      assert.equal(minted.status, 200, JSON.stringify(minted.body));
      assert.equal(minted.body['token_type'], 'Bearer');
      assert.equal(minted.body['scope'], 'billing:read');
      assert.equal(minted.headers.get('cache-control'), 'no-store');
      firstToken = minted.body['access_token'] as string;

      const jwks = createRemoteJWKSet(new URL(`${titan.url}/.well-known/jwks.json`));
      const { payload, protectedHeader } = await jwtVerify(firstToken, jwks, {
        issuer: titan.issuer, audience: 'https://billing.internal', typ: 'at+jwt', algorithms: ['ES256'],
      });
      assert.equal(payload.sub, 'billing-api');
      assert.equal(payload['client_id'], 'billing-api');
      assert.equal(payload['scope'], 'billing:read');
      assert.equal(payload['cnf'], undefined, 'a Bearer token never carries cnf');
      for (const claim of ['exp', 'iat', 'nbf', 'jti']) assert.ok(payload[claim] !== undefined, claim);
      assert.equal(payload.exp! - payload.iat!, 600);
      const published = (await call<{ keys: Array<Record<string, string>> }>(titan.url, 'GET', '/.well-known/jwks.json')).body.keys;
      assert.ok(published.some((k) => k['kid'] === protectedHeader.kid));
      for (const key of published) assert.equal(key['d'], undefined, 'the JWKS never carries private members');
    });

    it('restarts on the same storage: identities and signing keys survive', async () => {
      const kidBefore = decodeProtectedHeader(firstToken).kid;
      assert.equal(await titan.stop(), 0, 'graceful shutdown exits 0');
      titan = await startTitan(env);
      const jwks = createRemoteJWKSet(new URL(`${titan.url}/.well-known/jwks.json`));
      const { protectedHeader } = await jwtVerify(firstToken, jwks, { issuer: titan.issuer, audience: 'https://billing.internal', typ: 'at+jwt' });
      assert.equal(protectedHeader.kid, kidBefore);
      const again = await handshake(titan.url, titan.issuer, 'billing-api', serviceKey);
      assert.equal(again.status, 200, JSON.stringify(again.body));
      assert.equal(decodeProtectedHeader(again.body['access_token'] as string).kid, kidBefore, 'same signing key after restart');
    });
  });
}

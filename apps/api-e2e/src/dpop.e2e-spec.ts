import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createTitanVerifier, TitanVerifierError } from '@titan/verifier';
import { bearer, call, challenge } from './support/api';
import { allModes } from './support/deployment-modes';
import { accessTokenHash, assertionParams, clientAssertion, dpopProof, now, payloadOf, postForm, thumbprint } from './support/oauth';
import { newServiceKey, signProof, type ServiceKey } from './support/service-key';
import { startTitan, type TitanProcess } from './support/titan-process';

/** The embedded database can take tens of seconds to open on a loaded CI machine. */
const READY_TIMEOUT_MS = 150_000;

/**
 * DPoP (RFC 9449) bound to the ENROLLED key (PRODUCT.md section 6), with server nonces required
 * (`TITAN_DPOP_NONCE=required`): both token endpoints, introspection's `cnf`, and Titan's own
 * resource-side check (the admin guard) refusing a bound token without the right proof.
 */
for (const mode of allModes()) {
  describe(`DPoP bound to the enrolled key (${mode.name})`, { skip: mode.skip }, () => {
    const adminKey = newServiceKey();
    const svcKey = newServiceKey();
    const otherKey = newServiceKey();
    let titan: TitanProcess;
    let teardown: () => Promise<void>;
    let tokenUrl: string;

    const oauthToken = (proof: string | undefined, key: ServiceKey = svcKey, id = 'svc') =>
      postForm(titan.url, '/oauth2/token', { grant_type: 'client_credentials', ...assertionParams(clientAssertion(key, id, tokenUrl)) },
        proof === undefined ? {} : { dpop: proof });
    /** A fresh server nonce, obtained the way a client does: from a use_dpop_nonce answer. */
    const nonce = async (): Promise<string> => {
      const res = await oauthToken(dpopProof(svcKey, 'POST', tokenUrl));
      assert.equal(res.status, 400);
      assert.equal(res.body['error'], 'use_dpop_nonce');
      const value = res.headers.get('dpop-nonce');
      assert.ok(value);
      return value;
    };
    const nativeToken = async (id: string, key: ServiceKey, proof: string | undefined, extra: Record<string, string> = {}) => {
      const c = await challenge(titan.url, id, extra);
      return call(titan.url, 'POST', '/v1/zkp/token', { identityId: id, challengeId: c.challengeId, signature: signProof(key, titan.issuer, id, c.challengeId, c.nonce) },
        proof === undefined ? {} : { dpop: proof });
    };
    const introspect = (token: string) => postForm(titan.url, '/oauth2/introspect', { token, ...assertionParams(clientAssertion(otherKey, 'other', titan.issuer)) });

    before(async () => {
      const setup = await mode.setup();
      teardown = setup.teardown;
      titan = await startTitan({ ...setup.env, TITAN_DPOP_NONCE: 'required', TITAN_BOOTSTRAP_ADMIN_JWK: JSON.stringify(adminKey.publicJwk) }, READY_TIMEOUT_MS);
      tokenUrl = `${titan.issuer}/oauth2/token`;
      const c = await challenge(titan.url, 'admin', { audience: titan.issuer, scope: 'titan:admin' });
      const admin = await call(titan.url, 'POST', '/v1/zkp/token', { identityId: 'admin', challengeId: c.challengeId, signature: signProof(adminKey, titan.issuer, 'admin', c.challengeId, c.nonce) });
      const adminBearer = admin.body['access_token'] as string;
      for (const [id, key] of [['svc', svcKey], ['other', otherKey]] as const) {
        assert.equal((await call(titan.url, 'POST', '/v1/identities', { id, publicKey: key.publicJwk, scopes: ['x'] }, bearer(adminBearer))).status, 201);
      }
    });
    after(async () => {
      await titan?.stop();
      await teardown?.();
    });

    it('asks for a nonce, then binds the OAuth token to the enrolled key (cnf.jkt), and introspection shows it', async () => {
      const first = await oauthToken(dpopProof(svcKey, 'POST', tokenUrl));
      assert.equal(first.status, 400);
      assert.deepEqual(Object.keys(first.body).sort(), ['error', 'error_description']);
      assert.equal(first.body['error'], 'use_dpop_nonce');
      const res = await oauthToken(dpopProof(svcKey, 'POST', tokenUrl, { nonce: first.headers.get('dpop-nonce') }));
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.equal(res.body['token_type'], 'DPoP');
      assert.ok(res.headers.get('dpop-nonce'), 'a fresh nonce for the next request');
      const token = res.body['access_token'] as string;
      assert.deepEqual(payloadOf(token)['cnf'], { jkt: thumbprint(svcKey.publicJwk) });
      const seen = await introspect(token);
      assert.equal(seen.body['active'], true);
      assert.equal(seen.body['token_type'], 'DPoP');
      assert.deepEqual(seen.body['cnf'], { jkt: thumbprint(svcKey.publicJwk) });
    });

    it('refuses a replayed nonce and a replayed proof', async () => {
      const n = await nonce();
      assert.equal((await oauthToken(dpopProof(svcKey, 'POST', tokenUrl, { nonce: n }))).status, 200);
      const again = await oauthToken(dpopProof(svcKey, 'POST', tokenUrl, { nonce: n }));
      assert.equal(again.status, 400);
      assert.equal(again.body['error'], 'use_dpop_nonce', 'a nonce is single use');
      const forged = await oauthToken(dpopProof(svcKey, 'POST', tokenUrl, { nonce: 'made-up' }));
      assert.equal(forged.body['error'], 'use_dpop_nonce');
      const proof = dpopProof(svcKey, 'POST', tokenUrl, { nonce: await nonce() });
      assert.equal((await oauthToken(proof)).status, 200);
      const replay = await oauthToken(proof);
      assert.equal(replay.status, 400);
      assert.equal(replay.body['error'], 'invalid_dpop_proof', 'a proof is single use');
      assert.equal(replay.body['access_token'], undefined);
    });

    it('refuses proofs not signed by an enrolled key of the client, and malformed proofs', async () => {
      const cases: Record<string, string> = {
        'a key enrolled nowhere': dpopProof(newServiceKey(), 'POST', tokenUrl, { nonce: await nonce() }),
        "another identity's enrolled key": dpopProof(otherKey, 'POST', tokenUrl, { nonce: await nonce() }),
        'htm GET': dpopProof(svcKey, 'GET', tokenUrl, { nonce: await nonce() }),
        'htu of another server': dpopProof(svcKey, 'POST', 'https://evil.example/oauth2/token', { nonce: await nonce() }),
        'typ JWT': dpopProof(svcKey, 'POST', tokenUrl, { nonce: await nonce() }, { typ: 'JWT' }),
        'alg HS256': dpopProof(svcKey, 'POST', tokenUrl, { nonce: await nonce() }, { alg: 'HS256' }),
        'iat an hour ago': dpopProof(svcKey, 'POST', tokenUrl, { nonce: await nonce(), iat: now() - 3600 }),
        'iat in the future': dpopProof(svcKey, 'POST', tokenUrl, { nonce: await nonce(), iat: now() + 3600 }),
        'no jti': dpopProof(svcKey, 'POST', tokenUrl, { nonce: await nonce(), jti: undefined }),
        'private key in the header': dpopProof(svcKey, 'POST', tokenUrl, { nonce: await nonce() }, { jwk: svcKey.privateJwk }),
        'two proofs': `${dpopProof(svcKey, 'POST', tokenUrl)}, ${dpopProof(svcKey, 'POST', tokenUrl)}`,
        'not a JWS': 'garbage',
      };
      for (const [what, proof] of Object.entries(cases)) {
        const res = await oauthToken(proof);
        assert.equal(res.status, 400, what);
        assert.equal(res.body['error'], 'invalid_dpop_proof', `${what}: ${JSON.stringify(res.body)}`);
        assert.equal(res.body['access_token'], undefined, what);
      }
    });

    it('binds the native handshake token too; without DPoP the token is Bearer with no cnf', async () => {
      const nativeUrl = `${titan.issuer}/v1/zkp/token`;
      const needNonce = await nativeToken('svc', svcKey, dpopProof(svcKey, 'POST', nativeUrl));
      assert.equal(needNonce.status, 400);
      assert.equal(needNonce.body['error'], 'use_dpop_nonce');
      const bound = await nativeToken('svc', svcKey, dpopProof(svcKey, 'POST', nativeUrl, { nonce: needNonce.headers.get('dpop-nonce') }));
      assert.equal(bound.status, 200, JSON.stringify(bound.body));
      assert.equal(bound.body['token_type'], 'DPoP');
      assert.deepEqual(payloadOf(bound.body['access_token'] as string)['cnf'], { jkt: thumbprint(svcKey.publicJwk) });
      const plain = await nativeToken('svc', svcKey, undefined);
      assert.equal(plain.body['token_type'], 'Bearer');
      assert.equal(payloadOf(plain.body['access_token'] as string)['cnf'], undefined);
      const foreign = await nativeToken('svc', svcKey, dpopProof(otherKey, 'POST', nativeUrl, { nonce: await nonce() }));
      assert.equal(foreign.status, 401, 'a proof by a key not enrolled for this identity fails the handshake');
      assert.equal(foreign.body['error'], 'invalid_proof');
    });

    it('the verifier SDK accepts the bound token with a proof of the enrolled key, and refuses it as Bearer or with another key', async () => {
      const nativeUrl = `${titan.issuer}/v1/zkp/token`;
      const res = await nativeToken('svc', svcKey, dpopProof(svcKey, 'POST', nativeUrl, { nonce: await nonce() }));
      assert.equal(res.status, 200, JSON.stringify(res.body));
      const token = res.body['access_token'] as string;
      const aud = payloadOf(token)['aud'] as string | string[];
      const verifier = createTitanVerifier({ issuer: titan.issuer, audience: aud, jwksUri: `${titan.url}/.well-known/jwks.json` });
      const url = 'https://ledger.example.com/v1/entries';
      const verified = await verifier.verifyDpopBoundRequest({ token, method: 'GET', url, proof: dpopProof(svcKey, 'GET', url, { ath: accessTokenHash(token) }) });
      assert.equal(verified.subject, 'svc');
      assert.equal(verified.jkt, thumbprint(svcKey.publicJwk));
      await assert.rejects(verifier.verify(token), (e: unknown) => e instanceof TitanVerifierError && e.code === 'invalid_token');
      const foreign = dpopProof(otherKey, 'GET', url, { ath: accessTokenHash(token) });
      await assert.rejects(verifier.verifyDpopBoundRequest({ token, method: 'GET', url, proof: foreign }),
        (e: unknown) => e instanceof TitanVerifierError && e.code === 'invalid_dpop_proof');
    });

    it("Titan's own guard refuses a DPoP-bound token without the proof of its key", async () => {
      const nativeUrl = `${titan.issuer}/v1/zkp/token`;
      const n = await nonce();
      const res = await nativeToken('admin', adminKey, dpopProof(adminKey, 'POST', nativeUrl, { nonce: n }), { audience: titan.issuer, scope: 'titan:admin' });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      const token = res.body['access_token'] as string;
      const url = `${titan.issuer}/v1/identities`;
      const get = (headers: Record<string, string>) => call(titan.url, 'GET', '/v1/identities', undefined, headers);
      const proofFor = (key: ServiceKey, claims: Record<string, unknown> = {}) => dpopProof(key, 'GET', url, { ath: accessTokenHash(token), ...claims });

      const asBearer = await get(bearer(token));
      assert.equal(asBearer.status, 401, 'a bound token presented as Bearer');
      assert.equal(asBearer.body['error'], 'invalid_token');
      const noProof = await get({ authorization: `DPoP ${token}` });
      assert.equal(noProof.status, 401, 'DPoP scheme without a proof');
      const otherKeyProof = await get({ authorization: `DPoP ${token}`, dpop: proofFor(svcKey) });
      assert.equal(otherKeyProof.status, 401, "a proof by another (enrolled) key");
      assert.match(otherKeyProof.headers.get('www-authenticate') ?? '', /^DPoP .*error="invalid_dpop_proof"/);
      assert.equal((await get({ authorization: `DPoP ${token}`, dpop: proofFor(adminKey, { ath: 'wrong' }) })).status, 401, 'wrong ath');
      assert.equal((await get({ authorization: `DPoP ${token}`, dpop: proofFor(adminKey, { htm: 'POST' }) })).status, 401, 'wrong htm');

      const good = proofFor(adminKey);
      const ok = await get({ authorization: `DPoP ${token}`, dpop: good });
      assert.equal(ok.status, 200, JSON.stringify(ok.body));
      assert.equal((await get({ authorization: `DPoP ${token}`, dpop: good })).status, 401, 'the same proof again (replay)');

      // A Bearer token presented with the DPoP scheme is refused too.
      const plain = await nativeToken('admin', adminKey, undefined, { audience: titan.issuer, scope: 'titan:admin' });
      const plainToken = plain.body['access_token'] as string;
      assert.equal((await get({ authorization: `DPoP ${plainToken}`, dpop: dpopProof(adminKey, 'GET', url, { ath: accessTokenHash(plainToken) }) })).status, 401);
      assert.equal((await get(bearer(plainToken))).status, 200);
    });
  });
}

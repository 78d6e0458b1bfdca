import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { bearer, call, challenge } from './support/api';
import { embeddedMode, productionMode } from './support/deployment-modes';
import { accessTokenHash, assertionParams, clientAssertion, dpopProof, postForm } from './support/oauth';
import { newServiceKey, signProof, type ServiceKey } from './support/service-key';
import { startTitan, type TitanProcess } from './support/titan-process';

/** Production mode when PostgreSQL and Redis are configured (more code paths log), embedded otherwise. */
const mode = productionMode().skip ? embeddedMode : productionMode();

/**
 * Secrets never reach the logs (PRODUCT.md section 9). The server runs at LOG_LEVEL=trace while a
 * broad set of flows goes through it, successful and failing; every secret the test controls or
 * receives (private JWK `d`s, proof signatures, access tokens, client secrets, client assertions,
 * DPoP proofs, bearer and password-like values in bodies and query strings) is remembered as a
 * sentinel, and none may appear anywhere in what the process printed on stdout and stderr.
 */
describe(`no secret in the logs (${mode.name})`, () => {
  const adminKey = newServiceKey();
  const svcKey = newServiceKey();
  const legacyKey = newServiceKey();
  const sentinels = new Map<string, string>();
  let titan: TitanProcess;
  let teardown: () => Promise<void>;
  let output = '';

  /** Remembers a secret; JWTs also by their signature, so a logged fragment is caught too. */
  const secret = (what: string, value: string): string => {
    assert.ok(value.length >= 16, `${what} is long enough to be a distinctive sentinel`);
    sentinels.set(value, what);
    const parts = value.split('.');
    if (parts.length === 3 && parts[2]!.length >= 16) sentinels.set(parts[2]!, `${what} (signature part)`);
    return value;
  };
  const sentinel = (what: string): string => secret(what, `sentinel-${what.replace(/\W+/g, '-')}-${randomBytes(12).toString('hex')}`);

  before(async () => {
    const setup = await mode.setup();
    teardown = setup.teardown;
    for (const [what, key] of [['admin d', adminKey], ['svc d', svcKey], ['legacy d', legacyKey]] as const) secret(what, key.privateJwk['d']!);
    titan = await startTitan({ ...setup.env, LOG_LEVEL: 'trace', TITAN_BOOTSTRAP_ADMIN_JWK: JSON.stringify(adminKey.publicJwk) });
  });
  after(async () => {
    if (titan && titan.process.exitCode === null) await titan.stop();
    await teardown?.();
  });

  const proof = async (id: string, key: ServiceKey, extra: Record<string, string> = {}, headers: Record<string, string> = {}) => {
    const c = await challenge(titan.url, id, extra);
    const signature = secret(`${id} proof signature`, signProof(key, titan.issuer, id, c.challengeId, c.nonce));
    return call(titan.url, 'POST', '/v1/zkp/token', { identityId: id, challengeId: c.challengeId, signature }, headers);
  };

  it('drives registration, handshakes, OAuth, DPoP and admin flows, good and bad, at LOG_LEVEL=trace', async () => {
    // Admin bootstrap and the native handshake.
    const adminRes = await proof('admin', adminKey, { audience: titan.issuer, scope: 'titan:admin' });
    assert.equal(adminRes.status, 200);
    const admin = secret('admin access token', adminRes.body['access_token'] as string);

    // Registration: a service, a legacy client with a secret, and a JWK that carries its private `d`.
    assert.equal((await call(titan.url, 'POST', '/v1/identities', { id: 'svc', publicKey: svcKey.publicJwk, scopes: ['x'] }, bearer(admin))).status, 201);
    const legacy = await call(titan.url, 'POST', '/v1/identities', { id: 'legacy', publicKey: legacyKey.publicJwk, scopes: ['x'], secret: true }, bearer(admin));
    assert.equal(legacy.status, 201, JSON.stringify(legacy.body));
    const clientSecret = secret('client secret', legacy.body['clientSecret'] as string);
    const leaky = newServiceKey();
    const exposed = await call(titan.url, 'POST', '/v1/identities', { id: 'leaky', publicKey: { ...leaky.publicJwk, d: secret('submitted private d', leaky.privateJwk['d']!) } }, bearer(admin));
    assert.equal(exposed.status, 400);
    const exposedKey = await call(titan.url, 'POST', '/v1/identities/svc/keys', { publicKey: leaky.privateJwk }, bearer(admin));
    assert.ok(exposedKey.status >= 400);

    // Handshakes: success, bad signature, replayed challenge, wrong identity, malformed signature.
    const minted = await proof('svc', svcKey);
    assert.equal(minted.status, 200);
    secret('svc access token', minted.body['access_token'] as string);
    const c = await challenge(titan.url, 'svc');
    const forged = secret('forged signature', randomBytes(64).toString('base64url'));
    assert.equal((await call(titan.url, 'POST', '/v1/zkp/token', { identityId: 'svc', challengeId: c.challengeId, signature: forged })).status, 401);
    assert.equal((await call(titan.url, 'POST', '/v1/zkp/token', { identityId: 'svc', challengeId: c.challengeId, signature: forged })).status, 401);
    const other = await challenge(titan.url, 'svc');
    const wrongKey = secret('wrong-key signature', signProof(legacyKey, titan.issuer, 'svc', other.challengeId, other.nonce));
    assert.equal((await call(titan.url, 'POST', '/v1/zkp/token', { identityId: 'svc', challengeId: other.challengeId, signature: wrongKey })).status, 401);
    assert.equal((await call(titan.url, 'POST', '/v1/zkp/token', { identityId: 'svc', challengeId: 'x', signature: sentinel('malformed signature') })).status, 400);

    // Malformed bodies and unknown members carrying secrets.
    assert.equal((await call(titan.url, 'POST', '/v1/zkp/challenge', `{"identityId": "${sentinel('broken json')}"`)).status, 400);
    assert.equal((await call(titan.url, 'POST', '/v1/zkp/challenge', { identityId: 'svc', password: sentinel('password member') })).status, 400);
    assert.equal((await call(titan.url, 'POST', '/v1/zkp/token', { identityId: 'svc', challengeId: 'x', signature: forged, client_secret: sentinel('client_secret member') })).status, 400);
    assert.ok((await call(titan.url, 'POST', '/v1/zkp/challenge', `identityId=${sentinel('wrong media type')}`, { 'content-type': 'text/plain' })).status >= 400);

    // Bad bearer tokens on the admin API, and credentials in a query string and a cookie.
    for (const token of [sentinel('bad bearer'), `${adminRes.body['access_token'] as string}x`, `eyJhbGciOiJub25lIn0.${sentinel('unsigned bearer')}.`]) {
      assert.equal((await call(titan.url, 'GET', '/v1/identities', undefined, bearer(token))).status, 401);
    }
    assert.equal((await call(titan.url, 'GET', '/v1/identities', undefined, { authorization: `Basic ${sentinel('basic on admin')}` })).status, 401);
    assert.equal((await call(titan.url, 'GET', `/v1/identities?access_token=${sentinel('query token')}`, undefined, { cookie: `session=${sentinel('cookie')}` })).status, 401);

    // OAuth: client_secret (Basic and form, right and wrong), private_key_jwt, introspection, revocation.
    const tokenUrl = `${titan.issuer}/oauth2/token`;
    const basic = (id: string, value: string) => ({ authorization: `Basic ${Buffer.from(`${id}:${value}`).toString('base64')}` });
    const viaBasic = await postForm(titan.url, '/oauth2/token', { grant_type: 'client_credentials' }, basic('legacy', clientSecret));
    assert.equal(viaBasic.status, 200, JSON.stringify(viaBasic.body));
    const legacyToken = secret('legacy access token', viaBasic.body['access_token'] as string);
    assert.equal((await postForm(titan.url, '/oauth2/token', { grant_type: 'client_credentials', client_id: 'legacy', client_secret: clientSecret })).status, 200);
    assert.equal((await postForm(titan.url, '/oauth2/token', { grant_type: 'client_credentials', client_id: 'legacy', client_secret: sentinel('wrong client secret') })).status, 401);
    assert.equal((await postForm(titan.url, '/oauth2/token', { grant_type: 'client_credentials' }, basic('legacy', sentinel('wrong basic secret')))).status, 401);
    const assertion = secret('client assertion', clientAssertion(svcKey, 'svc', tokenUrl));
    const viaAssertion = await postForm(titan.url, '/oauth2/token', { grant_type: 'client_credentials', ...assertionParams(assertion) });
    assert.equal(viaAssertion.status, 200, JSON.stringify(viaAssertion.body));
    const svcOAuthToken = secret('svc OAuth token', viaAssertion.body['access_token'] as string);
    const replayed = await postForm(titan.url, '/oauth2/token', { grant_type: 'client_credentials', ...assertionParams(assertion) });
    assert.equal(replayed.status, 401, 'a replayed assertion is refused');
    const badAssertion = secret('assertion signed by another key', clientAssertion(legacyKey, 'svc', tokenUrl));
    assert.equal((await postForm(titan.url, '/oauth2/token', { grant_type: 'client_credentials', ...assertionParams(badAssertion) })).status, 401);
    const introspected = await postForm(titan.url, '/oauth2/introspect', { token: svcOAuthToken, client_id: 'legacy', client_secret: clientSecret });
    assert.equal(introspected.status, 200);
    assert.equal((await postForm(titan.url, '/oauth2/introspect', { token: sentinel('introspected garbage'), client_id: 'legacy', client_secret: clientSecret })).status, 200);
    assert.equal((await postForm(titan.url, '/oauth2/revoke', { token: legacyToken, client_id: 'legacy', client_secret: clientSecret })).status, 200);

    // DPoP: a bound token from both endpoints, then a proof for the wrong key and a garbage proof.
    const boundOAuth = await postForm(titan.url, '/oauth2/token', { grant_type: 'client_credentials', ...assertionParams(secret('assertion 2', clientAssertion(svcKey, 'svc', tokenUrl))) },
      { dpop: secret('DPoP proof (OAuth)', dpopProof(svcKey, 'POST', tokenUrl)) });
    assert.equal(boundOAuth.status, 200, JSON.stringify(boundOAuth.body));
    const bound = secret('DPoP-bound token', boundOAuth.body['access_token'] as string);
    secret('DPoP ath', accessTokenHash(bound));
    const boundNative = await proof('svc', svcKey, {}, { dpop: secret('DPoP proof (native)', dpopProof(svcKey, 'POST', `${titan.issuer}/v1/zkp/token`)) });
    assert.equal(boundNative.status, 200, JSON.stringify(boundNative.body));
    secret('DPoP-bound native token', boundNative.body['access_token'] as string);
    const stranger = newServiceKey();
    secret('stranger d', stranger.privateJwk['d']!);
    assert.equal((await proof('svc', svcKey, {}, { dpop: secret('stranger DPoP proof', dpopProof(stranger, 'POST', `${titan.issuer}/v1/zkp/token`)) })).status, 401);
    assert.ok((await proof('svc', svcKey, {}, { dpop: sentinel('garbage dpop') })).status >= 400);

    // Admin reads and changes, and a revocation.
    assert.equal((await call(titan.url, 'GET', '/v1/identities', undefined, bearer(admin))).status, 200);
    assert.equal((await call(titan.url, 'GET', '/v1/identities/svc', undefined, bearer(admin))).status, 200);
    assert.equal((await call(titan.url, 'POST', '/v1/identities/legacy/revoke', { reason: 'test' }, bearer(admin))).status, 200);
    assert.equal((await call(titan.url, 'GET', '/v1/audit', undefined, bearer(admin))).status, 200);

    assert.equal(await titan.stop(), 0);
    output = titan.output();
  });

  it('printed plenty at trace level, and none of the secrets', () => {
    assert.ok(sentinels.size >= 30, `only ${sentinels.size} sentinels`);
    const lines = output.split('\n').filter(Boolean);
    assert.ok(lines.length > 50, 'the server logged');
    assert.ok(lines.filter((l) => l.includes('"msg":"request completed"')).length >= 40, 'one access-log line per request');
    const leaked = [...sentinels].filter(([value]) => output.includes(value)).map(([, what]) => what);
    assert.deepEqual(leaked, [], `secrets in the logs: ${leaked.join(', ')}`);
  });
});

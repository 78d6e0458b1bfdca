import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { adminToken, bearer, call, handshake } from './support/api';
import { embeddedMode } from './support/deployment-modes';
import { newServiceKey } from './support/service-key';
import { startTitan, type TitanProcess } from './support/titan-process';

/** PRODUCT.md section 2a and 3 on the identity endpoints: one error shape, the right codes, nothing stored on refusal. */
describe('API conventions and the identity registry', () => {
  const adminKey = newServiceKey();
  let titan: TitanProcess;
  let teardown: () => Promise<void>;
  let admin: string;

  before(async () => {
    const setup = await embeddedMode.setup();
    teardown = setup.teardown;
    titan = await startTitan({ ...setup.env, TITAN_BOOTSTRAP_ADMIN_JWK: JSON.stringify(adminKey.publicJwk) });
    admin = await adminToken(titan.url, titan.issuer, adminKey);
  });
  after(async () => {
    await titan?.stop();
    await teardown?.();
  });

  const register = (body: unknown, token = admin) => call(titan.url, 'POST', '/v1/identities', body, bearer(token));
  const assertError = (res: { status: number; body: Record<string, unknown> }, status: number, error: string) => {
    assert.equal(res.status, status, JSON.stringify(res.body));
    assert.equal(res.body['error'], error);
    assert.equal(typeof res.body['error_description'], 'string');
    assert.doesNotMatch(JSON.stringify(res.body), /at .*\.js|node_modules|SELECT|\/work\//, 'no stack, SQL or path');
  };

  it('guards admin endpoints: 401 without a token, 401 for a bad one, 403 without titan:admin', async () => {
    const none = await call(titan.url, 'GET', '/v1/identities');
    assertError(none, 401, 'invalid_token');
    assert.equal(none.headers.get('www-authenticate'), 'Bearer');
    const bad = await call(titan.url, 'GET', '/v1/identities', undefined, bearer('abc.def.ghi'));
    assertError(bad, 401, 'invalid_token');
    assert.equal(bad.headers.get('www-authenticate'), 'Bearer error="invalid_token"');

    const svc = newServiceKey();
    assert.equal((await register({ id: 'svc-a', publicKey: svc.publicJwk, scopes: ['a'] })).status, 201);
    const svcToken = (await handshake(titan.url, titan.issuer, 'svc-a', svc, { audience: titan.issuer })).body['access_token'] as string;
    assertError(await call(titan.url, 'GET', '/v1/identities', undefined, bearer(svcToken)), 403, 'insufficient_scope');
    const otherAudience = newServiceKey();
    assert.equal((await register({ id: 'svc-b', publicKey: otherAudience.publicJwk, scopes: ['titan:admin'], audiences: ['https://x'] })).status, 201);
    const wrongAud = (await handshake(titan.url, titan.issuer, 'svc-b', otherAudience)).body['access_token'] as string;
    assertError(await call(titan.url, 'GET', '/v1/identities', undefined, bearer(wrongAud)), 401, 'invalid_token');
  });

  it('stops a revoked identity\'s token at Titan at once', async () => {
    const ops = newServiceKey();
    assert.equal((await register({ id: 'ops-bot', publicKey: ops.publicJwk, scopes: ['titan:admin'] })).status, 201);
    const opsToken = (await handshake(titan.url, titan.issuer, 'ops-bot', ops, { audience: titan.issuer })).body['access_token'] as string;
    assert.equal((await call(titan.url, 'GET', '/v1/identities', undefined, bearer(opsToken))).status, 200);
    assert.equal((await call(titan.url, 'POST', '/v1/identities/ops-bot/revoke', { reason: 'left the team' }, bearer(admin))).status, 200);
    assertError(await call(titan.url, 'GET', '/v1/identities', undefined, bearer(opsToken)), 401, 'invalid_token');
  });

  it('validates registrations and stores nothing on refusal', async () => {
    const key = newServiceKey();
    assertError(await register({ id: 'x', publicKey: key.publicJwk }), 400, 'invalid_request');
    assertError(await register({ id: 'Upper', publicKey: key.publicJwk }), 400, 'invalid_request');
    assertError(await register({ id: 'admin', publicKey: key.publicJwk }), 400, 'invalid_request');
    assertError(await register({ id: 'titan-core', publicKey: key.publicJwk }), 400, 'invalid_request');
    assertError(await register({ id: 'good-id', publicKey: key.publicJwk, extra: 1 }), 400, 'invalid_request');
    assertError(await register({ id: 'good-id', publicKey: { ...key.publicJwk, crv: 'P-384' } }), 400, 'invalid_request');
    assertError(await register({ id: 'good-id', publicKey: key.publicJwk, scopes: ['Bad Scope'] }), 400, 'invalid_request');
    assertError(await register({ id: 'good-id', publicKey: key.publicJwk, audiences: [''] }), 400, 'invalid_request');
    const exposed = await register({ id: 'good-id', publicKey: key.privateJwk });
    assertError(exposed, 400, 'invalid_request');
    assert.match(exposed.body['error_description'] as string, /private key/);
    assert.doesNotMatch(JSON.stringify(exposed.body), new RegExp(key.privateJwk['d']!));
    assertError(await call(titan.url, 'GET', '/v1/identities/good-id', undefined, bearer(admin)), 404, 'not_found');
    assert.equal((await register({ id: 'good-id', publicKey: key.publicJwk })).status, 201, 'nothing was stored before');
    assertError(await register({ id: 'good-id', publicKey: newServiceKey().publicJwk }), 409, 'conflict');
    assertError(await register({ id: 'other-id', publicKey: key.publicJwk }), 409, 'conflict');
  });

  it('rotates keys: add, retire, refuse retiring the last', async () => {
    const first = newServiceKey();
    const second = newServiceKey();
    const created = await register({ id: 'rotating', publicKey: first.publicJwk });
    const firstThumb = (created.body['keys'] as Array<{ thumbprint: string; jwk: { kid: string } }>)[0]!;
    assert.equal(firstThumb.jwk.kid, firstThumb.thumbprint);
    const added = await call(titan.url, 'POST', '/v1/identities/rotating/keys', { publicKey: second.publicJwk }, bearer(admin));
    assert.equal(added.status, 201);
    assert.equal((added.body['keys'] as unknown[]).length, 2);
    assert.equal((await handshake(titan.url, titan.issuer, 'rotating', second)).status, 200);
    const retired = await call(titan.url, 'DELETE', `/v1/identities/rotating/keys/${firstThumb.thumbprint}`, undefined, bearer(admin));
    assert.equal(retired.status, 200);
    assert.equal((await handshake(titan.url, titan.issuer, 'rotating', first)).status, 401, 'a retired key no longer proves anything');
    const last = (retired.body['keys'] as Array<{ thumbprint: string }>)[0]!.thumbprint;
    assertError(await call(titan.url, 'DELETE', `/v1/identities/rotating/keys/${last}`, undefined, bearer(admin)), 409, 'conflict');
    assertError(await call(titan.url, 'DELETE', `/v1/identities/rotating/keys/${'A'.repeat(43)}`, undefined, bearer(admin)), 404, 'not_found');
  });

  it('pages through identities with limit and cursor', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { status: number; body: { items: Array<{ id: string }>; nextCursor: string | null } } = await call(
        titan.url, 'GET', `/v1/identities?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, undefined, bearer(admin));
      assert.equal(page.status, 200);
      assert.ok(page.body.items.length <= 2);
      seen.push(...page.body.items.map((i) => i.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    assert.deepEqual(seen, [...seen].sort());
    assert.ok(seen.includes('admin') && seen.includes('good-id'));
    for (const bad of ['0', '101', 'ten']) {
      assertError(await call(titan.url, 'GET', `/v1/identities?limit=${bad}`, undefined, bearer(admin)), 400, 'invalid_request');
    }
  });

  it('answers 415 for other media types, 413 over 64 KiB, 400 for broken JSON, 404 for unknown routes', async () => {
    const form = await fetch(`${titan.url}/v1/zkp/challenge`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'identityId=alice' });
    assert.equal(form.status, 415);
    assert.equal(((await form.json()) as { error: string }).error, 'unsupported_media_type');
    const text = await fetch(`${titan.url}/v1/zkp/challenge`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'hi' });
    assert.equal(text.status, 415);
    assert.equal(((await text.json()) as { error: string }).error, 'unsupported_media_type');
    assertError(await call(titan.url, 'POST', '/v1/zkp/challenge', { identityId: 'a'.repeat(70_000) }), 413, 'payload_too_large');
    assertError(await call(titan.url, 'POST', '/v1/zkp/challenge', '{"identityId":'), 400, 'invalid_request');
    assertError(await call(titan.url, 'POST', '/v1/zkp/challenge', '[1,2]'), 400, 'invalid_request');
    assertError(await call(titan.url, 'GET', '/v1/nothing-here'), 404, 'not_found');
  });

  it('sets nosniff and request ids on every response, echoing a well-formed X-Request-Id', async () => {
    const res = await fetch(`${titan.url}/v1/nothing-here`, { headers: { 'x-request-id': 'trace-123' } });
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(res.headers.get('x-request-id'), 'trace-123');
    const live = await fetch(`${titan.url}/health/live`);
    assert.equal(live.headers.get('x-content-type-options'), 'nosniff');
    assert.match(live.headers.get('x-request-id') ?? '', /^[0-9a-f-]{36}$/);
  });

  it('serves Swagger UI and an OpenAPI document with every endpoint', async () => {
    const ui = await fetch(`${titan.url}/api/docs`);
    assert.equal(ui.status, 200);
    assert.match(await ui.text(), /swagger/i);
    const doc = (await call<{ paths: Record<string, Record<string, { responses: Record<string, unknown> }>> }>(titan.url, 'GET', '/api/docs-json')).body;
    const expected: Array<[string, string]> = [
      ['/v1/zkp/challenge', 'post'], ['/v1/zkp/token', 'post'], ['/v1/identities', 'post'], ['/v1/identities', 'get'],
      ['/v1/identities/{id}', 'get'], ['/v1/identities/{id}/keys', 'post'], ['/v1/identities/{id}/keys/{thumbprint}', 'delete'],
      ['/v1/identities/{id}/revoke', 'post'], ['/.well-known/jwks.json', 'get'], ['/health/live', 'get'], ['/health/ready', 'get'],
    ];
    for (const [path, method] of expected) {
      assert.ok(doc.paths[path]?.[method], `${method} ${path} documented`);
    }
    assert.ok(doc.paths['/v1/zkp/token']!['post']!.responses['401'], 'errors documented');
    assert.ok(doc.paths['/v1/identities']!['post']!.responses['409']);
  });

  it('reports readiness and liveness', async () => {
    const ready = await call(titan.url, 'GET', '/health/ready');
    assert.equal(ready.status, 200);
    assert.equal(ready.body['status'], 'ok');
    assert.equal((await call(titan.url, 'GET', '/health/live')).status, 200);
  });
});

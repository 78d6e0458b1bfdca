import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { startFakeTitan, type FakeTitan } from './fake-titan.test-helper';
import { TitanClient, type TitanClientOptions } from './titan-client';
import { TitanClientError } from './titan-client-error';
import { WebCryptoSigner } from './webcrypto-signer';

describe('TitanClient', () => {
  let titan: FakeTitan;
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk = privateKey.export({ format: 'jwk' });

  before(async () => {
    titan = await startFakeTitan();
    const { d: _d, ...publicJwk } = jwk;
    titan.register('billing', publicJwk);
  });
  after(() => titan.close());

  const client = (extra: Partial<TitanClientOptions> = {}) =>
    new TitanClient({ baseUrl: `${titan.url}/`, identityId: 'billing', privateKey: jwk, ...extra });

  it('performs the handshake with a proof the server verifies', async () => {
    const token = await client({ scope: ['read', 'write'] }).handshake();
    assert.match(token.accessToken, /^token-\d+$/);
    assert.equal(token.tokenType, 'Bearer');
    assert.equal(token.scope, 'read write');
    assert.equal(token.expiresIn, 600);
  });

  it('signs with a WebCryptoSigner too', async () => {
    const signer = await WebCryptoSigner.fromJwk(jwk);
    const token = await new TitanClient({ baseUrl: titan.url, identityId: 'billing', signer }).handshake();
    assert.match(token.accessToken, /^token-/);
  });

  it('binds the proof to the configured issuer, so a relayed challenge fails', async () => {
    await assert.rejects(client({ issuer: 'https://elsewhere.example' }).getToken(), (e: unknown) => {
      assert.ok(e instanceof TitanClientError);
      assert.equal(e.status, 401);
      assert.equal(e.code, 'invalid_proof');
      return true;
    });
  });

  it('passes the server error code and status through', async () => {
    await assert.rejects(client({ scope: 'forbidden' }).getToken(), { name: 'TitanClientError', code: 'invalid_scope', status: 400 });
  });

  it('reports an unreachable server as network_error', async () => {
    const closed = await startFakeTitan();
    await closed.close();
    const c = new TitanClient({ baseUrl: closed.url, identityId: 'billing', privateKey: jwk });
    await assert.rejects(c.getToken(), { code: 'network_error', status: undefined });
  });

  it('refuses to sign a malformed challenge', async () => {
    let signed = 0;
    const c = new TitanClient({
      baseUrl: 'http://titan.test',
      identityId: 'billing',
      signer: { sign: async () => { signed++; return new Uint8Array(64); } },
      fetch: async () => Response.json({ challengeId: 'c\nforged', nonce: 'AAAA' }, { status: 201 }),
    });
    await assert.rejects(c.getToken(), { code: 'invalid_response' });
    assert.equal(signed, 0);
  });

  it('caches, renews before expiry, and shares one in-flight handshake among concurrent callers', async () => {
    let now = Date.now();
    const c = client({ now: () => now, renewBeforeSeconds: 60 });
    titan.delayMs = 30;
    const before = titan.stats.challenges;
    try {
      const first = await Promise.all(Array.from({ length: 20 }, () => c.getToken()));
      assert.equal(new Set(first).size, 1);
      assert.equal(titan.stats.challenges - before, 1);

      now += 500_000; // still before renewAt (600 s - 60 s)
      assert.equal(await c.getToken(), first[0]);
      assert.equal(titan.stats.challenges - before, 1);

      now += 50_000; // inside the renewal window
      const second = await Promise.all(Array.from({ length: 20 }, () => c.getToken()));
      assert.equal(new Set(second).size, 1);
      assert.notEqual(second[0], first[0]);
      assert.equal(titan.stats.challenges - before, 2);

      // handshake() is always fresh, and getToken() then returns the newer token.
      const fresh = await c.handshake();
      assert.equal(titan.stats.challenges - before, 3);
      assert.equal(await c.getToken(), fresh.accessToken);
    } finally {
      titan.delayMs = 0;
    }
  });

  it('caps the renewal margin at half the lifetime and retries after a failure', async () => {
    let now = Date.now();
    titan.tokenTtlSeconds = 60;
    try {
      const c = client({ now: () => now, renewBeforeSeconds: 600 });
      const t = await c.getTokenSet();
      assert.equal(t.renewAt - t.expiresAt, -30_000);
      now += 29_000;
      assert.equal(await c.getToken(), t.accessToken);
      c.invalidate();
      assert.notEqual(await c.getToken(), t.accessToken);
    } finally {
      titan.tokenTtlSeconds = 600;
    }
    let calls = 0;
    const flaky = new TitanClient({
      baseUrl: titan.url, identityId: 'billing', privateKey: jwk,
      fetch: (url, init) => (++calls === 1 ? Promise.reject(new Error('boom')) : fetch(url, init)),
    });
    await assert.rejects(flaky.getToken(), { code: 'network_error' });
    assert.match(await flaky.getToken(), /^token-/);
  });

  it('validates its options', () => {
    assert.throws(() => client({ issuer: 'https://titan.test/' }), TypeError);
    assert.throws(() => client({ identityId: 'Bad Id' }), TypeError);
    assert.throws(() => client({ signer: { sign: async () => new Uint8Array(64) } }), TypeError);
    assert.throws(() => client({ baseUrl: 'ftp://x' }), TypeError);
  });
});

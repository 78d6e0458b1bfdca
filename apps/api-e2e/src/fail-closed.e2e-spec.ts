import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  PrivateRedisServer, TcpProxy, createIsolatedSchema, postgresRequirement, privateRedisSkip, type IsolatedSchema,
} from '@titan/testing';
import { randomBytes } from 'node:crypto';
import { adminToken, bearer, call, handshake } from './support/api';
import { newServiceKey } from './support/service-key';
import { startTitan, tempDataDir, type TitanProcess } from './support/titan-process';

/** The longest a refusal may take while a dependency is down: "fast 503s", not hanging requests. */
const FAST_MS = 2500;

async function timed<T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await work();
  return { value, ms: performance.now() - started };
}

async function until(what: string, predicate: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const status = async (url: string) => (await fetch(url)).status;

/**
 * PRODUCT.md section 9: when PostgreSQL or Redis is unreachable no token is minted, answers are fast
 * 503s, readiness is red while liveness stays green, and service resumes by itself afterwards.
 * PostgreSQL is reached through a TCP proxy the test cuts; Redis is a private server the test kills.
 */
const pg = postgresRequirement();
describe('fail closed and heal (production mode)', { skip: pg.skip || privateRedisSkip() }, () => {
  const adminKey = newServiceKey();
  const serviceKey = newServiceKey();
  let schema: IsolatedSchema;
  let proxy: TcpProxy;
  let redis: PrivateRedisServer;
  let titan: TitanProcess;

  before(async () => {
    const target = new URL(pg.url!);
    schema = await createIsolatedSchema(pg.url!);
    proxy = await TcpProxy.start({ host: target.hostname, port: Number(target.port || 5432) });
    redis = await PrivateRedisServer.start();
    const viaProxy = new URL(pg.url!);
    viaProxy.host = `127.0.0.1:${proxy.port}`;
    titan = await startTitan({
      DATABASE_URL: viaProxy.toString(),
      TITAN_DATABASE_SCHEMA: schema.schema,
      REDIS_URL: redis.url,
      TITAN_KEK: randomBytes(32).toString('base64url'),
      TITAN_SECRET_PEPPER: randomBytes(32).toString('base64url'),
      TITAN_BOOTSTRAP_ADMIN_JWK: JSON.stringify(adminKey.publicJwk),
    });
    const admin = await adminToken(titan.url, titan.issuer, adminKey);
    assert.equal((await call(titan.url, 'POST', '/v1/identities', { id: 'steady', publicKey: serviceKey.publicJwk }, bearer(admin))).status, 201);
    assert.equal((await handshake(titan.url, titan.issuer, 'steady', serviceKey)).status, 200, 'identity is cached and working');
  });
  after(async () => {
    await titan?.stop();
    await redis?.stop();
    await proxy?.stop();
    await schema?.drop();
  });

  it('Redis down: no token, fast 503s, readiness red and liveness green; back by itself', async () => {
    await redis.kill();
    for (const path of ['/v1/zkp/challenge', '/v1/zkp/token']) {
      const body = path.endsWith('challenge') ? { identityId: 'steady' } : { identityId: 'steady', challengeId: 'x', signature: Buffer.alloc(64, 1).toString('base64url') };
      const { value, ms } = await timed(() => call(titan.url, 'POST', path, body));
      assert.equal(value.status, 503, `${path}: ${JSON.stringify(value.body)}`);
      assert.equal(value.body['error'], 'unavailable');
      assert.ok(typeof value.body['request_id'] === 'string', '5xx answers carry request_id');
      assert.ok(ms < FAST_MS, `${path} answered in ${Math.round(ms)} ms`);
    }
    await until('readiness red', async () => (await status(`${titan.url}/health/ready`)) === 503);
    assert.equal(await status(`${titan.url}/health/live`), 200);

    await redis.restart();
    await until('readiness green', async () => (await status(`${titan.url}/health/ready`)) === 200);
    await until('handshake works again', async () => (await handshake(titan.url, titan.issuer, 'steady', serviceKey)).status === 200);
  });

  it('PostgreSQL cut: no token although the identity is cached, fast 503s; back by itself', async () => {
    const admin = await adminToken(titan.url, titan.issuer, adminKey);
    await proxy.cut();
    await until('readiness red', async () => (await status(`${titan.url}/health/ready`)) === 503);
    assert.equal(await status(`${titan.url}/health/live`), 200);
    for (const path of ['/v1/zkp/challenge', '/v1/zkp/token']) {
      const body = path.endsWith('challenge') ? { identityId: 'steady' } : { identityId: 'steady', challengeId: 'x', signature: Buffer.alloc(64, 1).toString('base64url') };
      const { value, ms } = await timed(() => call(titan.url, 'POST', path, body));
      assert.equal(value.status, 503, `${path}: ${JSON.stringify(value.body)}`);
      assert.ok(ms < FAST_MS, `${path} refused in ${Math.round(ms)} ms`);
    }
    const list = await timed(() => call(titan.url, 'GET', '/v1/identities', undefined, bearer(admin)));
    assert.equal(list.value.status, 503, `a database read answers 503, not 500: ${JSON.stringify(list.value.body)}`);
    assert.ok(list.ms < 12_000, `refused in ${Math.round(list.ms)} ms (bounded by the connect timeout)`);

    await proxy.restore();
    await until('readiness green', async () => (await status(`${titan.url}/health/ready`)) === 200, 30_000);
    await until('handshake works again', async () => (await handshake(titan.url, titan.issuer, 'steady', serviceKey)).status === 200);
    assert.equal((await call(titan.url, 'POST', '/v1/identities', { id: 'after-outage', publicKey: newServiceKey().publicJwk }, bearer(admin))).status, 201);
  });
});

describe('graceful shutdown', () => {
  it('drops readiness first, keeps serving during the delay, then exits 0', async () => {
    const data = tempDataDir();
    const titan = await startTitan({ TITAN_DATA_DIR: data.dir, TITAN_SHUTDOWN_DELAY_SECONDS: '2' });
    try {
      const exit = titan.stop();
      await until('readiness red', async () => (await status(`${titan.url}/health/ready`)) === 503, 1500);
      assert.equal(await status(`${titan.url}/health/live`), 200, 'still serving while draining');
      assert.equal((await call(titan.url, 'POST', '/v1/zkp/challenge', { identityId: 'anyone' })).status, 201);
      assert.equal(await exit, 0);
    } finally {
      data.remove();
    }
  });
});

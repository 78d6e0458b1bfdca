import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DependencyUnavailableError } from '@titan/application';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PrivateRedisServer, createIsolatedRedisPrefix, privateRedisSkip, redisRequirement, type IsolatedRedisPrefix } from '@titan/testing';
import Redis, { Cluster } from 'ioredis';
import { closeRedisConnection, createRedisConnection } from '../redis/redis-connection';
import { rateLimiterContract } from './rate-limiter.contract';
import { InMemoryRateLimiterFactory } from './rate-limiter.memory';
import { RedisRateLimiterFactory } from './rate-limiter.redis';

const redis = redisRequirement();

rateLimiterContract('in-memory', async () => ({ factories: [new InMemoryRateLimiterFactory()], close: async () => undefined }));

rateLimiterContract(
  'Redis, 3 connections as 3 instances',
  async () => {
    const isolated = createIsolatedRedisPrefix(redis.url!);
    const connections = Array.from({ length: 3 }, () => createRedisConnection(redis.url!));
    await Promise.all(connections.map((c) => c.ping()));
    return {
      factories: connections.map((c) => new RedisRateLimiterFactory(c, { prefix: isolated.prefix })),
      close: async () => {
        await isolated.cleanup();
        await Promise.all(connections.map((c) => closeRedisConnection(c)));
      },
    };
  },
  { skip: redis.skip },
);

// A one-node Redis Cluster of its own: there a batch's keys live in different slots, so `run` takes
// one command per operation and single calls go through rate-limiter-flexible.
rateLimiterContract(
  'Redis Cluster (one node), 2 connections as 2 instances',
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'titan-redis-cluster-'));
    const server = await PrivateRedisServer.start(['--cluster-enabled', 'yes', '--cluster-config-file', join(dir, 'nodes.conf'), '--dir', dir, '--cluster-announce-ip', '127.0.0.1']);
    const admin = new Redis(server.url);
    await admin.call('CLUSTER', 'ADDSLOTSRANGE', '0', '16383');
    for (let i = 0; !String(await admin.call('CLUSTER', 'INFO')).includes('cluster_state:ok'); i++) {
      if (i > 200) throw new Error('the one-node cluster did not come up');
      await new Promise((r) => setTimeout(r, 50));
    }
    admin.disconnect();
    const clusters = [0, 1].map(() => new Cluster([{ host: '127.0.0.1', port: server.port }], { enableAutoPipelining: true }));
    await Promise.all(clusters.map((c) => c.ping()));
    return {
      factories: clusters.map((c) => new RedisRateLimiterFactory(c)),
      close: async () => {
        clusters.forEach((c) => c.disconnect());
        await server.stop();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  },
  { skip: privateRedisSkip() },
);

describe('RedisRateLimiterFactory', { skip: redis.skip }, () => {
  let isolated: IsolatedRedisPrefix;
  let connection: Redis;
  before(async () => {
    isolated = createIsolatedRedisPrefix(redis.url!);
    connection = createRedisConnection(redis.url!);
    await connection.ping();
  });
  after(async () => {
    await isolated.cleanup();
    await closeRedisConnection(connection);
  });

  it('keeps counts under {prefix}rl:{name}:{key}, expiring with the window', async () => {
    const limiter = new RedisRateLimiterFactory(connection, { prefix: isolated.prefix }).create({ name: 'challenge_per_ip', limit: 5, windowSeconds: 30 });
    await limiter.consume('192.0.2.7');
    const key = `${isolated.prefix}rl:challenge_per_ip:192.0.2.7`;
    assert.equal(await connection.get(key), '1');
    const ttl = await connection.pttl(key);
    assert.ok(ttl > 29_000 && ttl <= 30_000, `PTTL ${ttl}`);
  });

  it('fails closed, fast, when Redis is not connected', async () => {
    const dead = createRedisConnection('redis://127.0.0.1:1', { connectTimeoutMs: 200, maxReconnectDelayMs: 200, onError: () => undefined });
    try {
      const limiter = new RedisRateLimiterFactory(dead).create({ name: 'x', limit: 5, windowSeconds: 30 });
      const started = Date.now();
      for (const call of [() => limiter.consume('k'), () => limiter.peek('k'), () => limiter.refund('k'), () => limiter.block('k', 1), () => limiter.reset('k')]) {
        await assert.rejects(call(), (error: unknown) => error instanceof DependencyUnavailableError && error.dependency === 'redis');
      }
      assert.ok(Date.now() - started < 2000, 'no long wait');
    } finally {
      dead.disconnect();
    }
  });
});

describe('RedisRateLimiterFactory on a server that forgets its scripts', { skip: privateRedisSkip() }, () => {
  it('falls back to EVAL after SCRIPT FLUSH (a restart or a failover), then uses EVALSHA again', async () => {
    const server = await PrivateRedisServer.start();
    const connection = createRedisConnection(server.url);
    try {
      await connection.ping();
      const factory = new RedisRateLimiterFactory(connection);
      const limiter = factory.create({ name: 'flushed', limit: 3, windowSeconds: 30 });
      assert.equal((await limiter.consume('k')).consumed, 1, 'first call: the server has never seen the script');
      assert.equal((await limiter.consume('k')).consumed, 2);
      await connection.script('FLUSH');
      assert.equal((await limiter.consume('k')).consumed, 3, 'after the flush');
      const refused = await factory.run([{ limiter, key: 'k', action: 'consume' }, { limiter, key: 'other', action: 'consume' }]);
      assert.deepEqual(refused.map((r) => r?.allowed), [false], 'the batch still stops at the refusal');
      const stats = await connection.info('commandstats');
      assert.match(stats, /cmdstat_eval:calls=2,/, 'EVAL once per missing script: at the first call and after the flush');
      assert.match(stats, /cmdstat_evalsha:calls=\d+/);
    } finally {
      await closeRedisConnection(connection);
      await server.stop();
    }
  });
});

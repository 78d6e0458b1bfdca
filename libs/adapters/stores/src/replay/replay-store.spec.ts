import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createIsolatedRedisPrefix, ManualClock, redisRequirement, type IsolatedRedisPrefix } from '@titan/testing';
import type Redis from 'ioredis';
import { closeRedisConnection, createRedisConnection } from '../redis/redis-connection';
import { sleep } from '@titan/testing';
import { replayStoreContract } from './replay-store.contract';
import { InMemoryReplayStore } from './replay-store.memory';
import { RedisReplayStore } from './replay-store.redis';

const redis = redisRequirement();

replayStoreContract('in-memory, manual clock', async () => {
  const clock = new ManualClock();
  const store = new InMemoryReplayStore({ clock });
  return { stores: [store], elapse: async (ms) => clock.advance(ms), close: async () => store.close() };
});

replayStoreContract('in-memory, system clock', async () => {
  const store = new InMemoryReplayStore();
  return { stores: [store], elapse: (ms) => sleep(ms), close: async () => store.close() };
});

replayStoreContract(
  'Redis, 5 connections as 5 instances',
  async () => {
    const isolated = createIsolatedRedisPrefix(redis.url!);
    const connections = Array.from({ length: 5 }, () => createRedisConnection(redis.url!));
    return {
      stores: connections.map((c) => new RedisReplayStore(c, { prefix: isolated.prefix, namespace: 'jti' })),
      elapse: (ms) => sleep(ms),
      close: async () => {
        await isolated.cleanup();
        await Promise.all(connections.map((c) => closeRedisConnection(c)));
      },
    };
  },
  { skip: redis.skip },
);

describe('RedisReplayStore storage', { skip: redis.skip }, () => {
  let isolated: IsolatedRedisPrefix;
  let connection: Redis;
  before(() => {
    isolated = createIsolatedRedisPrefix(redis.url!);
    connection = createRedisConnection(redis.url!);
  });
  after(async () => {
    await isolated.cleanup();
    await closeRedisConnection(connection);
  });

  it('keeps each namespace apart, under the prefix, with the TTL', async () => {
    const jti = new RedisReplayStore(connection, { prefix: isolated.prefix, namespace: 'jti' });
    const dpop = new RedisReplayStore(connection, { prefix: isolated.prefix, namespace: 'dpop-nonce' });
    assert.equal(await jti.markOnce('k1', 30), true);
    assert.equal(await dpop.markOnce('k1', 30), true);
    const ttl = await connection.pttl(`${isolated.prefix}replay:jti:k1`);
    assert.ok(ttl > 29_000 && ttl <= 30_000, `PTTL ${ttl}`);
    assert.equal(await connection.exists(`${isolated.prefix}replay:dpop-nonce:k1`), 1);
  });

  it('needs a namespace', () => {
    assert.throws(() => new RedisReplayStore(connection, { namespace: '' }), RangeError);
  });
});

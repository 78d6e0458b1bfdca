import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createIsolatedRedisPrefix, ManualClock, redisRequirement, type IsolatedRedisPrefix } from '@titan/testing';
import type Redis from 'ioredis';
import { closeRedisConnection, createRedisConnection } from '../redis/redis-connection';
import { sleep } from '@titan/testing';
import { challengeStoreContract, sampleChallenge } from './challenge-store.contract';
import { InMemoryChallengeStore } from './challenge-store.memory';
import { RedisChallengeStore } from './challenge-store.redis';

const redis = redisRequirement();

challengeStoreContract('in-memory, manual clock', async () => {
  const clock = new ManualClock();
  const store = new InMemoryChallengeStore({ clock });
  return {
    stores: [store],
    elapse: async (ms) => clock.advance(ms),
    close: async () => store.close(),
  };
});

challengeStoreContract('in-memory, system clock', async () => {
  const store = new InMemoryChallengeStore();
  return { stores: [store], elapse: (ms) => sleep(ms), close: async () => store.close() };
});

challengeStoreContract(
  'Redis, 5 connections as 5 instances',
  async () => {
    const isolated = createIsolatedRedisPrefix(redis.url!);
    const connections = Array.from({ length: 5 }, () => createRedisConnection(redis.url!));
    return {
      stores: connections.map((c) => new RedisChallengeStore(c, { prefix: isolated.prefix })),
      elapse: (ms) => sleep(ms),
      close: async () => {
        await isolated.cleanup();
        await Promise.all(connections.map((c) => closeRedisConnection(c)));
      },
    };
  },
  { skip: redis.skip },
);

describe('RedisChallengeStore storage', { skip: redis.skip }, () => {
  let isolated: IsolatedRedisPrefix;
  let connection: Redis;
  let store: RedisChallengeStore;
  before(() => {
    isolated = createIsolatedRedisPrefix(redis.url!);
    connection = createRedisConnection(redis.url!);
    store = new RedisChallengeStore(connection, { prefix: isolated.prefix });
  });
  after(async () => {
    await isolated.cleanup();
    await closeRedisConnection(connection);
  });

  it('keeps one compact key per challenge under the prefix, expiring with the TTL', async () => {
    const challenge = sampleChallenge();
    await store.save(challenge, 60);
    const key = `${isolated.prefix}challenge:${challenge.id}`;
    const ttl = await connection.pttl(key);
    assert.ok(ttl > 59_000 && ttl <= 60_000, `PTTL ${ttl}`);
    const value = (await connection.get(key))!;
    assert.ok(!value.includes(challenge.id), 'the id is the key, not repeated in the value');
    assert.ok(value.length < 200, `value of ${value.length} bytes`);
  });

  it('refuses a record it did not write', async () => {
    await connection.set(`${isolated.prefix}challenge:forged`, '{"v":1,"i":"x"}', 'PX', 10_000);
    await assert.rejects(store.take('forged'), /malformed/);
    await connection.set(`${isolated.prefix}challenge:garbage`, 'not json', 'PX', 10_000);
    await assert.rejects(store.take('garbage'), SyntaxError);
  });
});

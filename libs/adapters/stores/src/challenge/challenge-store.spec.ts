import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createIsolatedRedisPrefix, ManualClock, redisRequirement, type IsolatedRedisPrefix } from '@titan/testing';
import type Redis from 'ioredis';
import { closeRedisConnection, createRedisConnection } from '../redis/redis-connection';
import { sleep } from '@titan/testing';
import { assertSameChallenge, challengeStoreContract, sampleChallenge } from './challenge-store.contract';
import { InMemoryChallengeStore } from './challenge-store.memory';
import { RedisChallengeStore } from './challenge-store.redis';
import { InMemoryRateLimiterFactory } from '../rate-limit/rate-limiter.memory';
import { RedisRateLimiterFactory } from '../rate-limit/rate-limiter.redis';

const redis = redisRequirement();

challengeStoreContract('in-memory, manual clock', async () => {
  const clock = new ManualClock();
  const store = new InMemoryChallengeStore({ clock });
  return {
    stores: [store],
    rateLimiters: new InMemoryRateLimiterFactory(),
    elapse: async (ms) => clock.advance(ms),
    close: async () => store.close(),
  };
});

challengeStoreContract('in-memory, system clock', async () => {
  const store = new InMemoryChallengeStore();
  return { stores: [store], rateLimiters: new InMemoryRateLimiterFactory(), elapse: (ms) => sleep(ms), close: async () => store.close() };
});

for (const fused of [true, false]) {
  challengeStoreContract(
    `Redis, 5 connections as 5 instances, ${fused ? 'guarded forms in one script' : 'guarded forms one command each'}`,
    async () => {
      const isolated = createIsolatedRedisPrefix(redis.url!);
      const connections = Array.from({ length: 5 }, () => createRedisConnection(redis.url!));
      const rateLimiters = new RedisRateLimiterFactory(connections[0]!, { prefix: isolated.prefix });
      return {
        stores: connections.map((c, i) => new RedisChallengeStore(c, { prefix: isolated.prefix, ...(fused && i === 0 ? { rateLimiters } : {}) })),
        rateLimiters,
        elapse: (ms) => sleep(ms),
        close: async () => {
          await isolated.cleanup();
          await Promise.all(connections.map((c) => closeRedisConnection(c)));
        },
      };
    },
    { skip: redis.skip },
  );
}

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

  it('sends a guarded save, and a guarded take with its follow-ups, as one command each', async () => {
    const rateLimiters = new RedisRateLimiterFactory(connection, { prefix: isolated.prefix });
    const fused = new RedisChallengeStore(connection, { prefix: isolated.prefix, rateLimiters });
    const [budget, lock, slots] = ['budget', 'lock', 'slots'].map((name) => rateLimiters.create({ name, limit: name === 'lock' ? 0 : 10, windowSeconds: 60 }));
    const challenge = sampleChallenge();
    const sent: string[] = [];
    const send = connection.sendCommand.bind(connection);
    connection.sendCommand = ((command: { name: string }, ...rest: unknown[]) => {
      sent.push(command.name);
      return (send as (...args: unknown[]) => unknown)(command, ...rest);
    }) as typeof connection.sendCommand;
    try {
      const checks = [{ limiter: budget!, key: 'ip', action: 'consume' as const }, { limiter: lock!, key: 'pair', action: 'check' as const }];
      assert.equal((await fused.saveAdmitted(checks, challenge, 60)).admitted, true);
      const onTaken = { identityId: challenge.identityId, checks: [{ limiter: slots!, key: 'pair', action: 'refund' as const }] };
      assertSameChallenge((await fused.takeAdmitted(checks, challenge.id, onTaken)).challenge, challenge);
    } finally {
      connection.sendCommand = send;
    }
    assert.equal(sent.length, 2, `commands: ${sent.join(', ')}`);
    assert.ok(sent.every((name) => name === 'evalsha' || name === 'eval'), sent.join(', '));
  });

  it('refuses a record it did not write through the one-script take too, running no follow-up for it', async () => {
    const rateLimiters = new RedisRateLimiterFactory(connection, { prefix: isolated.prefix });
    const fused = new RedisChallengeStore(connection, { prefix: isolated.prefix, rateLimiters });
    const tokens = rateLimiters.create({ name: 'tokens', limit: 10, windowSeconds: 60 });
    const onTaken = { identityId: 'x', checks: [{ limiter: tokens, key: 'x', action: 'consume' as const }] };
    await connection.set(`${isolated.prefix}challenge:garbage`, 'not json', 'PX', 10_000);
    await assert.rejects(fused.takeAdmitted([], 'garbage', onTaken), SyntaxError);
    assert.equal(await tokens.peek('x'), null, 'an unreadable record names no identity');
    await connection.set(`${isolated.prefix}challenge:forged`, '{"v":1,"i":"x"}', 'PX', 10_000);
    await assert.rejects(fused.takeAdmitted([], 'forged', onTaken), /malformed/);
  });
});

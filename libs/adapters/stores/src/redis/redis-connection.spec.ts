import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { redisRequirement } from '@titan/testing';
import type { Socket } from 'node:net';
import type Redis from 'ioredis';
import { RedisChallengeStore } from '../challenge/challenge-store.redis';
import { sampleChallenge } from '../challenge/challenge-store.contract';
import { RedisReplayStore } from '../replay/replay-store.redis';
import { PrivateRedisServer, privateRedisSkip } from '@titan/testing';
import { sleep, waitFor } from '@titan/testing';
import { closeRedisConnection, createRedisConnection, pingRedis } from './redis-connection';
import { StoreUnavailableError } from './store-unavailable.error';

describe('createRedisConnection', () => {
  it('accepts redis:// and rediss:// (TLS) URLs only, without echoing them', () => {
    const plain = createRedisConnection('redis://:secret@127.0.0.1:1/2', { redisOptions: { lazyConnect: true } });
    assert.equal(plain.options.db, 2);
    assert.ok(!plain.options.tls);
    plain.disconnect();
    const tls = createRedisConnection('rediss://127.0.0.1:1', { redisOptions: { lazyConnect: true } });
    assert.ok(tls.options.tls);
    tls.disconnect();
    for (const bad of ['http://h:6379', '127.0.0.1:6379', 'redis-sentinel://:pw@h']) {
      assert.throws(() => createRedisConnection(bad), (e: Error) => e instanceof RangeError && !e.message.includes('pw'));
    }
  });
});

const sharedRedis = redisRequirement();

describe('write coalescing (shared Redis)', { skip: sharedRedis.skip }, () => {
  let redis: Redis;
  const writes = { single: 0, vectored: 0 };
  before(async () => {
    redis = createRedisConnection(sharedRedis.url!);
    assert.equal(await redis.ping(), 'PONG');
    // Count the socket's writes as Node's stream layer hands them to libuv (one syscall each).
    type StreamWrite = (...args: unknown[]) => void;
    const socket = redis.stream as Socket & { _write: StreamWrite; _writev: StreamWrite };
    const write = socket._write.bind(socket);
    const writev = socket._writev.bind(socket);
    socket._write = (...args: unknown[]) => (writes.single++, write(...args));
    socket._writev = (...args: unknown[]) => (writes.vectored++, writev(...args));
  });
  after(() => closeRedisConnection(redis));

  it('sends the commands of one event-loop turn in one write, each resolving with its own reply', async () => {
    writes.single = writes.vectored = 0;
    const replies = await Promise.all(Array.from({ length: 40 }, (_, i) => redis.echo(`message ${i}`)));
    assert.deepEqual(replies, Array.from({ length: 40 }, (_, i) => `message ${i}`));
    assert.deepEqual(writes, { single: 0, vectored: 1 });
  });

  it('uncorks after each turn: a command sent from a reply goes out in the next write', async () => {
    writes.single = writes.vectored = 0;
    for (let i = 0; i < 3; i++) assert.equal(await redis.echo(`turn ${i}`), `turn ${i}`);
    assert.equal(writes.single + writes.vectored, 3);
  });

  it('leaves pipelines and transactions their own writes', async () => {
    const results = await redis.multi().echo('a').echo('b').exec();
    assert.deepEqual(results, [[null, 'a'], [null, 'b']]);
  });
});

const skip = sharedRedis.skip || privateRedisSkip();

describe('Redis outage (private redis-server, killed and restarted)', { skip }, () => {
  let server: PrivateRedisServer;
  let redis: Redis;
  const errors: Error[] = [];
  before(async () => {
    server = await PrivateRedisServer.start();
    redis = createRedisConnection(server.url, { onError: (e) => errors.push(e) });
  });
  after(async () => {
    await closeRedisConnection(redis);
    await server?.stop();
  });

  it('fails fast while Redis is down, then serves again by itself', async () => {
    const challenges = new RedisChallengeStore(redis);
    const replays = new RedisReplayStore(redis, { namespace: 'jti' });
    assert.equal(await pingRedis(redis), true);
    await server.kill();

    for (const call of [() => challenges.take('x'), () => challenges.save(sampleChallenge(), 60), () => replays.markOnce('k', 60)]) {
      const started = Date.now();
      await assert.rejects(call(), (e: StoreUnavailableError) => e instanceof StoreUnavailableError && e.code === 'unavailable');
      assert.ok(Date.now() - started < 1500, `failed after ${Date.now() - started} ms`);
    }
    const started = Date.now();
    assert.equal(await pingRedis(redis, 500), false);
    assert.ok(Date.now() - started < 1000);
    assert.ok(errors.length > 0, 'connection errors reach onError');

    await server.restart();
    await waitFor('reconnection', () => redis.status === 'ready', 5000);
    assert.equal(await pingRedis(redis), true);
    const challenge = sampleChallenge();
    await challenges.save(challenge, 60);
    assert.equal((await challenges.take(challenge.id))?.id, challenge.id);
  });

  it('closes promptly even when Redis is gone', async () => {
    const other = createRedisConnection(server.url, { connectionName: 'closed-one', onError: () => undefined });
    await other.ping();
    await server.kill();
    const started = Date.now();
    await closeRedisConnection(other);
    assert.ok(Date.now() - started < 1500);
    await server.restart();
    await sleep(500);
    assert.notEqual(other.status, 'ready', 'a closed connection must not come back');
    assert.doesNotMatch(await server.clientList(), /name=closed-one/);
  });
});

describe('a Redis that was never there', () => {
  it('fails commands within the command timeout instead of hanging', async () => {
    // Port 1 on loopback: nothing listens, connections are refused.
    const redis = createRedisConnection('redis://127.0.0.1:1', { commandTimeoutMs: 300, onError: () => undefined });
    const started = Date.now();
    await assert.rejects(new RedisChallengeStore(redis).take('x'), StoreUnavailableError);
    assert.ok(Date.now() - started < 1000, `failed after ${Date.now() - started} ms`);
    assert.equal(await pingRedis(redis, 300), false);
    await closeRedisConnection(redis);
  });
});

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { redisRequirement } from '@titan/testing';
import type Redis from 'ioredis';
import { closeRedisConnection, createRedisConnection } from '../redis/redis-connection';
import { StoreUnavailableError } from '../redis/store-unavailable.error';
import { PrivateRedisServer, privateRedisSkip } from '@titan/testing';
import { sleep, waitFor } from '@titan/testing';
import { RedisIdentityChangeBus } from './identity-change-bus.redis';

const skip = redisRequirement().skip || privateRedisSkip();
const quiet = (): void => undefined;

describe('RedisIdentityChangeBus across outages (private redis-server)', { skip }, () => {
  let server: PrivateRedisServer;
  const cleanups: (() => Promise<void>)[] = [];
  before(async () => {
    server = await PrivateRedisServer.start();
  });
  after(async () => {
    for (const c of cleanups.reverse()) await c();
    await server?.stop();
  });

  function openBus(options: ConstructorParameters<typeof RedisIdentityChangeBus>[1] = {}): {
    bus: RedisIdentityChangeBus; connection: Redis;
  } {
    const connection = createRedisConnection(server.url, { onError: quiet });
    const bus = new RedisIdentityChangeBus(connection, { onError: quiet, ...options });
    cleanups.push(async () => {
      await bus.close();
      await closeRedisConnection(connection);
    });
    return { bus, connection };
  }

  it('tells listeners null after the subscriber reconnects, then delivers again', async () => {
    const a = openBus();
    const b = openBus();
    const [ra, rb]: (string | null)[][] = [[], []];
    await a.bus.subscribe((id) => ra.push(id));
    await b.bus.subscribe((id) => rb.push(id));
    await a.bus.publish('before');
    await waitFor('first message', () => ra.length === 1 && rb.length === 1);

    await server.kill();
    await assert.rejects(a.bus.publish('lost'), StoreUnavailableError);
    await server.restart();
    await waitFor('null after reconnection', () => ra.includes(null) && rb.includes(null), 8000);

    await waitFor('publisher back', () => a.connection.status === 'ready', 5000);
    await a.bus.publish('after');
    await waitFor('message after reconnection', () => ra.at(-1) === 'after' && rb.at(-1) === 'after');
    assert.deepEqual(ra, ['before', null, 'after']);
    assert.deepEqual(rb, ['before', null, 'after']);
  });

  it('rejects the first subscribe while Redis is down, keeps trying, and says null once it is up', async () => {
    await server.kill();
    const { bus } = openBus();
    const received: (string | null)[] = [];
    await assert.rejects(bus.subscribe((id) => received.push(id)), StoreUnavailableError);
    await server.restart();
    await waitFor('null once connected', () => received.includes(null), 8000);
    await bus.subscribe(() => undefined); // no longer rejects
    await bus.publish('x');
    await waitFor('delivery', () => received.at(-1) === 'x');
  });

  it('reconnects a subscriber that stops answering (health check), with a null', async () => {
    const { bus, connection } = openBus({ healthCheckIntervalMs: 100, healthCheckTimeoutMs: 200 });
    const received: (string | null)[] = [];
    await bus.subscribe((id) => received.push(id));
    // A paused server keeps the TCP connection open but answers nothing: a half-open link's twin.
    await connection.call('CLIENT', 'PAUSE', '800', 'ALL');
    await sleep(900);
    await waitFor('null after the forced reconnect', () => received.includes(null), 8000);
    await bus.publish('y');
    await waitFor('delivery', () => received.at(-1) === 'y');
  });
});

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { IdentityChangeBus } from '@titan/application';
import { createIsolatedRedisPrefix, redisRequirement, type IsolatedRedisPrefix } from '@titan/testing';
import type Redis from 'ioredis';
import { closeRedisConnection, createRedisConnection } from '../redis/redis-connection';
import { waitFor } from '@titan/testing';
import { identityChangeBusContract } from './identity-change-bus.contract';
import { InProcessIdentityChangeBus } from './identity-change-bus.in-process';
import { RedisIdentityChangeBus } from './identity-change-bus.redis';

const redis = redisRequirement();

identityChangeBusContract('in-process', async () => {
  const buses: IdentityChangeBus[] = [];
  return {
    open: async (options) => {
      const bus = new InProcessIdentityChangeBus(options);
      buses.push(bus);
      return bus;
    },
    close: async () => {
      await Promise.all(buses.map((b) => b.close()));
    },
  };
});

identityChangeBusContract(
  'Redis pub/sub, one connection pair per instance',
  async () => {
    const isolated = createIsolatedRedisPrefix(redis.url!);
    const opened: { bus: IdentityChangeBus; connection: Redis }[] = [];
    return {
        open: async (options) => {
        const connection = createRedisConnection(redis.url!);
        const bus = new RedisIdentityChangeBus(connection, { prefix: isolated.prefix, ...options });
        opened.push({ bus, connection });
        return bus;
      },
      close: async () => {
        for (const { bus, connection } of opened) {
          await bus.close();
          await closeRedisConnection(connection);
        }
        await isolated.cleanup();
      },
    };
  },
  { skip: redis.skip, crossInstance: true },
);

describe('RedisIdentityChangeBus wire', { skip: redis.skip }, () => {
  let isolated: IsolatedRedisPrefix;
  let connection: Redis;
  let bus: RedisIdentityChangeBus;
  before(() => {
    isolated = createIsolatedRedisPrefix(redis.url!);
    connection = createRedisConnection(redis.url!, { connectionName: 'titan-test' });
    bus = new RedisIdentityChangeBus(connection, { prefix: isolated.prefix });
  });
  after(async () => {
    await bus.close();
    await closeRedisConnection(connection);
    await isolated.cleanup();
  });

  it('publishes the bare identity id on {prefix}identity-changed, from its own named connection', async () => {
    const raw = connection.duplicate();
    const seen: [string, string][] = [];
    raw.on('message', (channel: string, message: string) => seen.push([channel, message]));
    await raw.subscribe(`${isolated.prefix}identity-changed`);
    await bus.subscribe(() => undefined);
    await bus.publish('payments-api');
    await waitFor('raw message', () => seen.length >= 1);
    assert.deepEqual(seen, [[`${isolated.prefix}identity-changed`, 'payments-api']]);
    const clients = (await connection.call('CLIENT', 'LIST')) as string;
    assert.match(clients, /name=titan-test:identity-changes /);
    raw.disconnect();
  });

  it('ignores other channels', async () => {
    const received: (string | null)[] = [];
    await bus.subscribe((id) => received.push(id));
    await connection.publish(`${isolated.prefix}something-else`, 'nope');
    await bus.publish('yes');
    await waitFor('the real message', () => received.length >= 1);
    assert.deepEqual(received, ['yes']);
  });
});

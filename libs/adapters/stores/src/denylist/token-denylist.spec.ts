import { createIsolatedRedisPrefix, ManualClock, redisRequirement, sleep } from '@titan/testing';
import { closeRedisConnection, createRedisConnection } from '../redis/redis-connection';
import { tokenDenylistContract } from './token-denylist.contract';
import { InMemoryTokenDenylist } from './token-denylist.memory';
import { RedisTokenDenylist } from './token-denylist.redis';

const redis = redisRequirement();

tokenDenylistContract('in-memory, manual clock', async () => {
  const clock = new ManualClock();
  const list = new InMemoryTokenDenylist({ clock });
  return { lists: [list], elapse: async (ms) => clock.advance(ms), close: async () => list.close() };
});

tokenDenylistContract(
  'Redis, 3 connections as 3 instances',
  async () => {
    const isolated = createIsolatedRedisPrefix(redis.url!);
    const connections = Array.from({ length: 3 }, () => createRedisConnection(redis.url!));
    return {
      lists: connections.map((c) => new RedisTokenDenylist(c, { prefix: isolated.prefix })),
      elapse: (ms) => sleep(ms),
      close: async () => {
        await isolated.cleanup();
        await Promise.all(connections.map((c) => closeRedisConnection(c)));
      },
    };
  },
  { skip: redis.skip },
);

import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';

export interface IsolatedRedisPrefix {
  /** Key prefix (also used for pub/sub channel names) unique to this test suite. */
  readonly prefix: string;
  /** Deletes every key under the prefix. */
  cleanup(): Promise<void>;
}

export function createIsolatedRedisPrefix(redisUrl: string): IsolatedRedisPrefix {
  const prefix = `titan-test:${process.pid}:${randomBytes(4).toString('hex')}:`;
  return {
    prefix,
    async cleanup() {
      const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
      await redis.connect();
      try {
        let cursor = '0';
        do {
          const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
          cursor = next;
          if (keys.length > 0) await redis.del(...keys);
        } while (cursor !== '0');
      } finally {
        redis.disconnect();
      }
    },
  };
}

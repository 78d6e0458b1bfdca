import { createIsolatedRedisPrefix, createIsolatedSchema, postgresRequirement, redisRequirement } from '@titan/testing';
import { randomBytes } from 'node:crypto';
import { tempDataDir } from './titan-process';

/** One way to run Titan in a test: the environment for its processes and how to clean up after. */
export interface DeploymentMode {
  readonly name: 'embedded' | 'production';
  /** `{ skip }` for describe(): production mode needs PostgreSQL and Redis. */
  readonly skip: string | false;
  /** Environment shared by every instance of one deployment (same database, same Redis). */
  setup(): Promise<{ env: Record<string, string>; teardown(): Promise<void> }>;
}

export const embeddedMode: DeploymentMode = {
  name: 'embedded',
  skip: false,
  async setup() {
    const data = tempDataDir();
    return { env: { TITAN_DATA_DIR: data.dir }, teardown: async () => data.remove() };
  },
};

export function productionMode(): DeploymentMode {
  const pg = postgresRequirement();
  const redis = redisRequirement();
  return {
    name: 'production',
    skip: pg.skip || redis.skip,
    async setup() {
      const schema = await createIsolatedSchema(pg.url!);
      const prefix = createIsolatedRedisPrefix(redis.url!);
      return {
        env: {
          DATABASE_URL: pg.url!,
          TITAN_DATABASE_SCHEMA: schema.schema,
          REDIS_URL: redis.url!,
          TITAN_REDIS_PREFIX: prefix.prefix,
          TITAN_KEK: randomBytes(32).toString('base64url'),
          TITAN_SECRET_PEPPER: randomBytes(32).toString('base64url'),
        },
        async teardown() {
          await schema.drop();
          await prefix.cleanup();
        },
      };
    },
  };
}

export const allModes = (): DeploymentMode[] => [embeddedMode, productionMode()];

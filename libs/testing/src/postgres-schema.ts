import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

export interface IsolatedSchema {
  readonly schema: string;
  drop(): Promise<void>;
}

/**
 * A fresh schema per test suite in the shared PostgreSQL, so parallel runs never see each other.
 * Dropped (with everything in it) by `drop()`.
 */
export async function createIsolatedSchema(databaseUrl: string): Promise<IsolatedSchema> {
  const schema = `titan_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query(`CREATE SCHEMA "${schema}"`);
  } finally {
    await client.end();
  }
  return {
    schema,
    async drop() {
      const c = new Client({ connectionString: databaseUrl });
      await c.connect();
      try {
        await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      } finally {
        await c.end();
      }
    },
  };
}

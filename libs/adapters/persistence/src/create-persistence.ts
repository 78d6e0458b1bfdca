import 'reflect-metadata';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { PGlite } from '@electric-sql/pglite' with { 'resolution-mode': 'import' };
import { DataSource, MigrationExecutor, type DataSourceOptions } from 'typeorm';
import type { AuditLog, Clock, IdentityRepository, SigningKeyRepository } from '@titan/application';
import { TypeormAuditLog } from './audit/typeorm-audit-log';
import { acquireDataDirLock, type DataDirLock } from './embedded/data-dir-lock';
import { pgliteDriver } from './embedded/pglite-pool';
import { TypeormIdentityRepository } from './identity/typeorm-identity.repository';
import { migrations } from './migrations';
import { withRunner } from './shared/sql';
import { TypeormSigningKeyRepository } from './signing-key/typeorm-signing-key.repository';

export interface PersistenceOptions {
  /** `postgres://...`: production mode. Unset: the embedded database under `dataDir`. */
  readonly databaseUrl?: string;
  /** PostgreSQL schema to use (created if missing); default: the server's search_path. */
  readonly schema?: string;
  /** Embedded mode's data directory (default `./data`); the database lives in `<dataDir>/pg`. */
  readonly dataDir?: string;
  /** Stamps audit entries and key retirements; default the system clock. */
  readonly clock?: Clock;
  /** PostgreSQL pool size (default 10). */
  readonly poolSize?: number;
  /** How long to wait for a PostgreSQL connection before failing (default 5000 ms). */
  readonly connectTimeoutMs?: number;
  /** Server-side limit per statement, and client-side limit per query plus 1 s (default 10000 ms). */
  readonly statementTimeoutMs?: number;
}

export interface Persistence {
  readonly mode: 'postgres' | 'embedded';
  readonly dataSource: DataSource;
  readonly identities: IdentityRepository;
  readonly signingKeys: SigningKeyRepository;
  readonly audit: AuditLog;
  /** Resolves when the database answers; rejects otherwise (readiness probe). */
  ping(): Promise<void>;
  /** Closes the pool, then the embedded database, then releases the data-directory lock. Idempotent. */
  close(): Promise<void>;
}

const SCHEMA_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

// PGlite parses bigint as a JS number; pg hands back text. Keep pg's behaviour in both modes.
const PGLITE_PARSERS = { 20: (value: string) => value };

/**
 * Opens the database, runs pending migrations (serialised by an advisory lock, so instances may
 * start together) and builds the repositories.
 *
 * @example
 * const persistence = await createPersistence({ databaseUrl: process.env.DATABASE_URL, dataDir: process.env.TITAN_DATA_DIR });
 * // ... on shutdown, after the HTTP server has drained:
 * await persistence.close();
 */
export async function createPersistence(options: PersistenceOptions = {}): Promise<Persistence> {
  if (options.schema !== undefined && !SCHEMA_NAME.test(options.schema)) {
    throw new Error(`invalid schema name "${options.schema}"`);
  }
  return options.databaseUrl ? openPostgres(options.databaseUrl, options) : openEmbedded(options);
}

async function openPostgres(url: string, options: PersistenceOptions): Promise<Persistence> {
  const statementTimeout = options.statementTimeoutMs ?? 10_000;
  const dataSource = new DataSource({
    ...common(options),
    type: 'postgres',
    url,
    schema: options.schema,
    poolSize: options.poolSize ?? 10,
    connectTimeoutMS: options.connectTimeoutMs ?? 5_000,
    applicationName: 'titan',
    extra: {
      // A dead or unreachable server fails requests quickly instead of hanging them.
      statement_timeout: statementTimeout,
      query_timeout: statementTimeout + 1_000,
      lock_timeout: statementTimeout,
      idle_in_transaction_session_timeout: 60_000,
      keepAlive: true,
      ...(options.schema ? { options: `-c search_path=${options.schema}` } : {}),
    },
  });
  await dataSource.initialize();
  try {
    await migrate(dataSource, options.schema);
  } catch (error) {
    await dataSource.destroy();
    throw error;
  }
  return assemble('postgres', dataSource, options, async () => undefined);
}

async function openEmbedded(options: PersistenceOptions): Promise<Persistence> {
  const dataDir = resolve(options.dataDir ?? 'data');
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const lock: DataDirLock = acquireDataDirLock(dataDir);
  let db: PGlite | undefined;
  try {
    // Loaded here, not at the top: production mode never pays for PGlite's code in its heap.
    const { PGlite } = await import('@electric-sql/pglite');
    // PGlite's own start parameters plus a smaller buffer cache: PostgreSQL's default 128 MB of
    // shared_buffers lives in the WASM memory, which never shrinks, while Titan's embedded data
    // (identities, keys, audit) is small and read through in-process caches (docs/benchmarks.md, memory).
    const defaults = (PGlite as unknown as { defaultStartParams: readonly string[] }).defaultStartParams;
    db = await PGlite.create({ dataDir: join(dataDir, 'pg'), parsers: PGLITE_PARSERS, startParams: [...defaults, '-c', 'shared_buffers=16MB'] });
    const dataSource = new DataSource({ ...common(options), type: 'postgres', driver: pgliteDriver(db) });
    await dataSource.initialize();
    try {
      await migrate(dataSource, undefined);
    } catch (error) {
      await dataSource.destroy();
      throw error;
    }
    const pglite = db;
    return assemble('embedded', dataSource, options, async () => {
      try {
        await pglite.close();
      } finally {
        lock.release();
      }
    });
  } catch (error) {
    if (db && !db.closed) await db.close().catch(() => undefined);
    lock.release();
    throw error;
  }
}

function common(_options: PersistenceOptions): Pick<DataSourceOptions, 'entities' | 'migrations' | 'migrationsTableName' | 'synchronize' | 'logging'> {
  return { entities: [], migrations, migrationsTableName: 'titan_migrations', synchronize: false, logging: false };
}

/** Pending migrations under a session advisory lock: of instances starting together, one migrates, the rest wait. */
async function migrate(dataSource: DataSource, schema: string | undefined): Promise<void> {
  await withRunner(dataSource, async (runner) => {
    const lockArgs = ['titan', `${schema ?? ''}.migrations`];
    await runner.query('SELECT pg_advisory_lock(hashtext($1), hashtext($2))', lockArgs);
    try {
      if (schema) await runner.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
      const executor = new MigrationExecutor(dataSource, runner);
      executor.transaction = 'all';
      await executor.executePendingMigrations();
    } finally {
      await runner.query('SELECT pg_advisory_unlock(hashtext($1), hashtext($2))', lockArgs);
    }
  });
}

function assemble(mode: Persistence['mode'], dataSource: DataSource, options: PersistenceOptions, afterDestroy: () => Promise<void>): Persistence {
  const clock = options.clock ?? { now: () => new Date() };
  let closing: Promise<void> | undefined;
  return {
    mode,
    dataSource,
    identities: new TypeormIdentityRepository(dataSource, clock),
    signingKeys: new TypeormSigningKeyRepository(dataSource, clock),
    audit: new TypeormAuditLog(dataSource, clock),
    async ping() {
      await withRunner(dataSource, (runner) => runner.query('SELECT 1'));
    },
    close() {
      closing ??= (async () => {
        try {
          if (dataSource.isInitialized) await dataSource.destroy();
        } finally {
          await afterDestroy();
        }
      })();
      return closing;
    },
  };
}

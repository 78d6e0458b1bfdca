import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { bearer, call } from './support/api';

/** Helpers of the audit specs: the real `titan` CLI, paging GET /v1/audit, and a DBA's direct access. */

const ROOT = resolve(__dirname, '../../..');
const CLI_MAIN = join(ROOT, 'apps/cli/dist/main.js');
// A DBA uses the database's own tools, not Titan: load the drivers from where the workspace has them.
const persistenceRequire = createRequire(join(ROOT, 'libs/adapters/persistence/package.json'));

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `titan ...` as an operator would; never throws. */
export function titanCli(args: string[], env: Record<string, string>): Promise<CliRun> {
  return new Promise((ok) => {
    execFile(process.execPath, [CLI_MAIN, ...args], { env: { PATH: process.env['PATH'] ?? '', ...env }, timeout: 120_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      ok({ code, stdout, stderr });
    });
  });
}

/** `titan audit verify` against a deployment's store (DATABASE_URL + schema, or the data dir), configured by environment as the server is. */
export function auditVerify(deployment: Record<string, string>, extra: string[] = []): Promise<CliRun> {
  const env: Record<string, string> = {};
  for (const name of ['DATABASE_URL', 'TITAN_DATABASE_SCHEMA', 'TITAN_DATA_DIR']) {
    if (deployment[name] !== undefined) env[name] = deployment[name]!;
  }
  return titanCli(['audit', 'verify', ...extra], env);
}

export interface AuditEntryBody {
  readonly seq: number;
  readonly at: string;
  readonly actor: string | null;
  readonly action: string;
  readonly subject: string | null;
  readonly outcome: 'success' | 'failure';
  readonly reason: string | null;
  readonly requestId: string | null;
  readonly clientIp: string | null;
  readonly hash: string;
}

/** Every entry through GET /v1/audit, newest first. */
export async function allAuditEntries(base: string, adminToken: string, pageSize = 100): Promise<AuditEntryBody[]> {
  const entries: AuditEntryBody[] = [];
  let cursor: string | null = null;
  do {
    const query: string = `/v1/audit?limit=${pageSize}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const page = await call<{ items: AuditEntryBody[]; nextCursor: string | null }>(base, 'GET', query, undefined, bearer(adminToken));
    if (page.status !== 200) throw new Error(`GET ${query}: ${page.status} ${JSON.stringify(page.body)}`);
    entries.push(...page.body.items);
    cursor = page.body.nextCursor;
  } while (cursor !== null);
  return entries;
}

interface PgClient {
  connect(): Promise<void>;
  query(text: string, params?: unknown[]): Promise<{ rows: Record<string, unknown>[] }>;
  end(): Promise<void>;
}
interface PgliteDb {
  query(text: string, params?: unknown[]): Promise<{ rows: Record<string, unknown>[] }>;
  close(): Promise<void>;
}

/**
 * Runs statements as a database superuser would, with replication-role triggers off so the
 * append-only triggers do not fire (what a DBA bent on hiding something can do). The server must be
 * stopped for the embedded store. Returns the rows of each statement.
 */
export async function asDba(deployment: Record<string, string>, statements: Array<[string, unknown[]?]>): Promise<Record<string, unknown>[][]> {
  const results: Record<string, unknown>[][] = [];
  if (deployment['DATABASE_URL']) {
    const { Client } = persistenceRequire('pg') as { Client: new (options: object) => PgClient };
    const client = new Client({ connectionString: deployment['DATABASE_URL'], options: `-c search_path=${deployment['TITAN_DATABASE_SCHEMA']}` });
    await client.connect();
    try {
      await client.query('SET session_replication_role = replica');
      for (const [text, params] of statements) results.push((await client.query(text, params)).rows);
    } finally {
      await client.end();
    }
    return results;
  }
  const entry = persistenceRequire.resolve('@electric-sql/pglite');
  type PgliteModule = { PGlite: { create(options: object): Promise<PgliteDb> } };
  const loaded = (await import(pathToFileURL(entry).href)) as Partial<PgliteModule> & { default?: PgliteModule };
  const PGlite = loaded.PGlite ?? loaded.default!.PGlite;
  const db = await PGlite.create({ dataDir: join(deployment['TITAN_DATA_DIR']!, 'pg') });
  try {
    await db.query('SET session_replication_role = replica');
    for (const [text, params] of statements) results.push((await db.query(text, params)).rows);
  } finally {
    await db.close();
  }
  return results;
}

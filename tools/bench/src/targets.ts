import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { Client } from 'pg';
import Redis from 'ioredis';
import { HttpClient } from './http';
import { newKey, proofMessage, signP1363, type BenchKey } from './keys';
import { freePort, isTitanReadyAt, pathWithNode } from '@titan/testing';

/** Compiled entry point of the API (BENCH_API_MAIN: another build, e.g. a worktree); started through its launcher, below. */
export const API_MAIN = process.env['BENCH_API_MAIN'] ? resolve(process.env['BENCH_API_MAIN']) : resolve(__dirname, '../../../apps/api/dist/main.js');

/** Another build of the API for A/B comparisons of a code change in the same run (`*-b` targets). */
export const API_MAIN_B = process.env['BENCH_API_MAIN_B'] ? resolve(process.env['BENCH_API_MAIN_B']) : undefined;

/** Another Node binary for the `*-b` targets: a same-run A/B of the runtime itself (BENCH_NODE_B). */
const NODE_B = process.env['BENCH_NODE_B'] ? resolve(process.env['BENCH_NODE_B']) : process.execPath;

export const TARGET_NAMES = [
  'titan-embedded', 'titan-production', 'titan-production-piscina', 'titan-embedded-piscina', 'peer', 'floor',
  'titan-embedded-b', 'titan-production-b',
] as const;
export type TargetName = (typeof TARGET_NAMES)[number];
export type TargetKind = 'titan' | 'peer' | 'floor';

export interface BenchClient {
  readonly id: string;
  readonly key: BenchKey;
}

export interface Target {
  readonly name: TargetName;
  readonly kind: TargetKind;
  readonly origin: string;
  readonly issuer: string;
  readonly pid: number;
  readonly clients: readonly BenchClient[];
  /** Titan only: a token with `titan:admin titan:introspect` for the admin and introspection calls. */
  adminToken(): Promise<string>;
  output(): string;
  stop(): Promise<void>;
}

export interface TargetOptions {
  readonly clients: readonly BenchClient[];
  /** Extra node flags for the server process (e.g. --cpu-prof). */
  readonly nodeArgs?: readonly string[];
  /** Extra environment for Titan (e.g. LOG_LEVEL). */
  readonly env?: Readonly<Record<string, string>>;
  readonly databaseUrl?: string;
  readonly redisUrl?: string;
}

export const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/test';
export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

export function makeClients(count: number): BenchClient[] {
  return Array.from({ length: count }, (_, i) => ({ id: `bench-${i}`, key: newKey() }));
}

export { freePort };

interface Spawned {
  readonly child: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

function spawnNode(script: string, args: readonly string[], env: Record<string, string>, node = process.execPath): Spawned {
  return spawnProcess(node, [...args, script], env);
}

/**
 * Titan as `pnpm start` and the Docker image run it: `apps/api/bin/titan-server` (Node with Titan's
 * heap sizing; `args` are extra Node flags after it), with `node` resolving to the given binary. The
 * launcher execs Node, so the pid read for CPU and memory is the server's. A build from before the
 * launcher existed runs as plain `node main.js`.
 */
function spawnTitan(main: string, args: readonly string[], env: Record<string, string>, node: string): Spawned {
  const launcher = resolve(dirname(main), '../bin/titan-server');
  if (!existsSync(launcher)) return spawnNode(main, args, env, node);
  return spawnProcess(launcher, args, { ...env, PATH: pathWithNode(node) });
}

function spawnProcess(command: string, args: readonly string[], env: Record<string, string>): Spawned {
  const child = spawn(command, args, {
    env: { PATH: process.env['PATH'] ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (d: Buffer): void => {
    output += d.toString();
    if (output.length > 200_000) output = output.slice(-100_000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<void>((ok) => child.once('exit', () => ok()));
  return {
    child,
    output: () => output,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
        await exited;
        clearTimeout(timer);
      }
    },
  };
}

/** Waits until the server at `issuer` is ready, and is this one (`isTitanReadyAt`). */
async function waitReady(spawned: Spawned, issuer: string, timeoutMs = 150_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (spawned.child.exitCode !== null) throw new Error(`server exited (${spawned.child.exitCode}) before it was ready:\n${spawned.output()}`);
    try {
      if (await isTitanReadyAt(issuer, issuer)) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await spawned.stop();
      throw new Error(`server not ready within ${timeoutMs} ms:\n${spawned.output()}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Waits for the `listening <port>` line of the floor and peer scripts. */
async function waitListening(spawned: Spawned, timeoutMs = 30_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const match = /listening (\d+)/.exec(spawned.output());
    if (match) return Number(match[1]);
    if (spawned.child.exitCode !== null || Date.now() > deadline) {
      await spawned.stop();
      throw new Error(`server did not start:\n${spawned.output()}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

const clientsEnv = (clients: readonly BenchClient[]): string => JSON.stringify(clients.map((c) => ({ id: c.id, jwk: c.key.publicJwk })));

/** Titan, embedded (PGlite in a temporary data dir) or production (own schema, own Redis prefix). */
export async function startTitan(name: TargetName, options: TargetOptions): Promise<Target> {
  const production = name.startsWith('titan-production');
  const port = await freePort();
  const issuer = `http://127.0.0.1:${port}`;
  const admin = newKey();
  const cleanups: Array<() => Promise<void>> = [];
  const env: Record<string, string> = {
    HOST: '127.0.0.1',
    PORT: String(port),
    TITAN_ISSUER: issuer,
    LOG_LEVEL: 'warn',
    TITAN_SERVICE_TOKEN_TTL_SECONDS: '3600',
    TITAN_BOOTSTRAP_ADMIN_JWK: JSON.stringify(admin.publicJwk),
    TITAN_CRYPTO_LANE: name.includes('piscina') ? 'piscina' : 'inline',
    ...options.env,
  };
  if (production) {
    const databaseUrl = options.databaseUrl ?? DEFAULT_DATABASE_URL;
    const redisUrl = options.redisUrl ?? DEFAULT_REDIS_URL;
    const tag = `${process.pid}_${randomBytes(4).toString('hex')}`;
    const schema = `titan_bench_${tag}`;
    const prefix = `titan-bench:${tag}:`;
    Object.assign(env, {
      DATABASE_URL: databaseUrl,
      TITAN_DATABASE_SCHEMA: schema, // Titan creates it (CREATE SCHEMA IF NOT EXISTS); dropped below
      REDIS_URL: redisUrl,
      TITAN_REDIS_PREFIX: prefix,
      TITAN_KEK: randomBytes(32).toString('base64url'),
      TITAN_SECRET_PEPPER: randomBytes(32).toString('base64url'),
    });
    cleanups.push(() => dropSchema(databaseUrl, schema), () => deleteRedisPrefix(redisUrl, prefix));
  } else {
    const dir = mkdtempSync(join(tmpdir(), 'titan-bench-'));
    // Under the repository's test runner, start from its migrated template (skips PGlite's initdb).
    const template = process.env['TITAN_TEST_PGLITE_TEMPLATE'];
    if (template && existsSync(template)) cpSync(template, dir, { recursive: true });
    env['TITAN_DATA_DIR'] = dir;
    cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
  }
  const main = name.endsWith('-b') ? API_MAIN_B : API_MAIN;
  if (!main) throw new Error(`${name} needs BENCH_API_MAIN_B (the other build's apps/api/dist/main.js)`);
  const spawned = spawnTitan(main, options.nodeArgs ?? [], env, name.endsWith('-b') ? NODE_B : process.execPath);
  const cleanup = async (): Promise<void> => {
    await spawned.stop();
    for (const c of cleanups) await c().catch((e: unknown) => process.stderr.write(`bench cleanup: ${String(e)}\n`));
  };
  try {
    await waitReady(spawned, issuer);
    const http = new HttpClient(issuer, 4);
    let token: { value: string; expiresAt: number } | null = null;
    const adminToken = async (): Promise<string> => {
      if (token && token.expiresAt > Date.now() + 60_000) return token.value;
      const c = await http.json('/v1/zkp/challenge', { identityId: 'admin', audience: issuer, scope: 'titan:admin titan:introspect' });
      if (c.status !== 201) throw new Error(`admin challenge: ${c.status} ${c.text}`);
      const { challengeId, nonce } = JSON.parse(c.text) as { challengeId: string; nonce: string };
      const signature = signP1363(admin.privateKey, proofMessage(issuer, 'admin', challengeId, nonce));
      const t = await http.json('/v1/zkp/token', { identityId: 'admin', challengeId, signature });
      if (t.status !== 200) throw new Error(`admin token: ${t.status} ${t.text}`);
      const body = JSON.parse(t.text) as { access_token: string; expires_in: number };
      token = { value: body.access_token, expiresAt: Date.now() + body.expires_in * 1000 };
      return token.value;
    };
    const bearer = { authorization: `Bearer ${await adminToken()}` };
    for (const client of options.clients) {
      const res = await http.json('/v1/identities', { id: client.id, publicKey: client.key.publicJwk, scopes: ['bench:read'], audiences: ['urn:bench'] }, bearer);
      if (res.status !== 201 && res.status !== 409) throw new Error(`registering ${client.id}: ${res.status} ${res.text}`);
    }
    http.close();
    return {
      name, kind: 'titan', origin: issuer, issuer, pid: spawned.child.pid!, clients: options.clients,
      adminToken, output: spawned.output, stop: cleanup,
    };
  } catch (error) {
    await cleanup();
    throw error;
  }
}

/** The framework-free floor or node-oidc-provider, as child processes of their own. */
export async function startScript(name: 'floor' | 'peer', options: TargetOptions): Promise<Target> {
  const script = join(__dirname, name === 'floor' ? 'floor-server.js' : 'peer-server.js');
  const spawned = spawnNode(script, options.nodeArgs ?? [], { BENCH_CLIENTS: clientsEnv(options.clients), NODE_ENV: 'production' });
  const port = await waitListening(spawned);
  const origin = `http://127.0.0.1:${port}`;
  return {
    name, kind: name, origin, issuer: origin, pid: spawned.child.pid!, clients: options.clients,
    adminToken: () => Promise.reject(new Error(`${name} has no admin`)),
    output: spawned.output,
    stop: () => spawned.stop(),
  };
}

export function startTarget(name: TargetName, options: TargetOptions): Promise<Target> {
  return name === 'floor' || name === 'peer' ? startScript(name, options) : startTitan(name, options);
}

async function dropSchema(databaseUrl: string, schema: string): Promise<void> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end();
  }
}

async function deleteRedisPrefix(redisUrl: string, prefix: string): Promise<void> {
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort, isTitanReadyAt, pathWithNode } from '@titan/testing';

/** The launcher `pnpm start` and the Docker image run: `node` with Titan's heap sizing, then apps/api/dist/main.js. */
export const API_LAUNCHER = resolve(__dirname, '../../../api/bin/titan-server');

export { freePort };

export interface TitanProcess {
  readonly url: string;
  readonly issuer: string;
  readonly process: ChildProcess;
  /** Everything the process wrote, for log assertions. */
  output(): string;
  /** SIGTERM and wait for exit. */
  stop(): Promise<number | null>;
}

/**
 * A fresh embedded data directory. When the test runner made a migrated template
 * (TITAN_TEST_PGLITE_TEMPLATE), the directory starts as a copy of it, which skips PGlite's initdb.
 */
export function tempDataDir(): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'titan-e2e-'));
  const template = process.env['TITAN_TEST_PGLITE_TEMPLATE'];
  if (template && existsSync(template)) cpSync(template, dir, { recursive: true });
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Waits for the process to exit and returns its exit code, with what it printed. */
export function runToExit(env: Record<string, string>, timeoutMs = 60_000): Promise<{ code: number | null; output: string }> {
  return new Promise((ok, fail) => {
    const child = spawn(API_LAUNCHER, [], { env: { PATH: pathWithNode(), ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      fail(new Error(`process did not exit within ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      ok({ code, output });
    });
  });
}

/**
 * Starts the real server the way production does (`apps/api/bin/titan-server`) on a free loopback
 * port and waits until /health/ready answers 200.
 */
export async function startTitan(env: Record<string, string>, readyTimeoutMs = 60_000): Promise<TitanProcess> {
  // A port picked free can be taken by another test's server before ours binds it: pick again.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startTitanOnce(env, readyTimeoutMs);
    } catch (error) {
      if (env['PORT'] !== undefined || attempt >= 3 || !(error instanceof PortTakenError)) throw error;
    }
  }
}

class PortTakenError extends Error {}

async function startTitanOnce(env: Record<string, string>, readyTimeoutMs: number): Promise<TitanProcess> {
  const port = env['PORT'] ? Number(env['PORT']) : await freePort();
  const issuer = env['TITAN_ISSUER'] ?? `http://127.0.0.1:${port}`;
  const child = spawn(API_LAUNCHER, [], {
    env: { PATH: pathWithNode(), LOG_LEVEL: 'info', HOST: '127.0.0.1', ...env, PORT: String(port), TITAN_ISSUER: issuer },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((ok) => child.once('exit', (code) => ok(code)));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + readyTimeoutMs;
  for (;;) {
    if (child.exitCode !== null) {
      const message = `titan exited with ${child.exitCode} before it was ready:\n${output}`;
      throw output.includes('EADDRINUSE') ? new PortTakenError(message) : new Error(message);
    }
    try {
      if (await isTitanReadyAt(url, issuer)) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`titan was not ready within ${readyTimeoutMs} ms:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    issuer,
    process: child,
    output: () => output,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}

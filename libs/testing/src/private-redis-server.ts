import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import Redis from 'ioredis';
import { freePort } from './free-port';

const BINARY = process.env['TITAN_TEST_REDIS_SERVER_BIN'] ?? '/usr/bin/redis-server';

/** Why a fault suite must skip (no redis-server binary), or false. */
export const privateRedisSkip = (): string | false =>
  existsSync(BINARY) ? false : `SKIPPED: Redis fault suite (no ${BINARY}; set TITAN_TEST_REDIS_SERVER_BIN)`;

async function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => { socket.destroy(); resolve(true); });
    socket.once('error', () => resolve(false));
  });
}

/**
 * A throwaway redis-server on a free port (no persistence) that a test may kill and restart to
 * see how adapters behave across an outage. Always `stop()` it in `after`.
 */
export class PrivateRedisServer {
  private process: ChildProcess | undefined;

  private constructor(readonly port: number, private readonly extraArgs: readonly string[]) {}

  /** `extraArgs`: more redis-server options, e.g. `--cluster-enabled yes` for a one-node cluster. */
  static async start(extraArgs: readonly string[] = []): Promise<PrivateRedisServer> {
    const server = new PrivateRedisServer(await freePort(), extraArgs);
    await server.restart();
    return server;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Starts the server (again) on the same port and waits until it accepts connections. */
  async restart(): Promise<void> {
    if (this.process) throw new Error('already running');
    const child = spawn(BINARY, ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', ...this.extraArgs], {
      stdio: 'ignore',
    });
    this.process = child;
    // Should the test process die first, take the server with it.
    const reap = (): void => void child.kill('SIGKILL');
    process.once('exit', reap);
    child.once('exit', () => {
      process.off('exit', reap);
      if (this.process === child) this.process = undefined;
    });
    const deadline = Date.now() + 5000;
    while (!(await accepts(this.port))) {
      if (Date.now() > deadline || this.process !== child) throw new Error('private redis-server did not start');
      await sleep(20);
    }
  }

  /** Kills the server outright (SIGKILL: no goodbye to clients, like a crash) and waits for it to exit. */
  async kill(): Promise<void> {
    const child = this.process;
    if (!child) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGKILL');
    await exited;
    this.process = undefined;
  }

  /** `CLIENT LIST` as seen by a fresh connection. */
  async clientList(): Promise<string> {
    const redis = new Redis(this.url, { lazyConnect: true, maxRetriesPerRequest: 0 });
    try {
      await redis.connect();
      return (await redis.call('CLIENT', 'LIST')) as string;
    } finally {
      redis.disconnect();
    }
  }

  stop(): Promise<void> {
    return this.kill();
  }
}

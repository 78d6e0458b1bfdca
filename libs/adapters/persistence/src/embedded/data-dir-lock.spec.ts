import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { acquireDataDirLock, DATA_DIR_LOCK_FILE, DataDirLockedError } from './data-dir-lock';

const scratch = (): string => mkdtempSync(join(process.env['TITAN_TEST_SCRATCH'] ?? tmpdir(), 'titan-lock-'));
const packageIndex = join(__dirname, '..', 'index.js');

describe('data-directory lock', () => {
  it('refuses a second holder while the first lives, and frees the directory on release', () => {
    const dir = scratch();
    try {
      const lock = acquireDataDirLock(dir);
      assert.throws(() => acquireDataDirLock(dir), (error: unknown) => error instanceof DataDirLockedError && error.ownerPid === process.pid);
      lock.release();
      assert.equal(existsSync(join(dir, DATA_DIR_LOCK_FILE)), false);
      acquireDataDirLock(dir).release();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('takes over a lock left by a dead process', () => {
    const dir = scratch();
    try {
      const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
      writeFileSync(join(dir, DATA_DIR_LOCK_FILE), JSON.stringify({ pid: Number(dead.stdout), hostname: hostname(), acquiredAt: 'then' }));
      acquireDataDirLock(dir).release();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('takes over a lock naming our own PID that this process does not hold (a restarted container)', () => {
    const dir = scratch();
    try {
      writeFileSync(join(dir, DATA_DIR_LOCK_FILE), JSON.stringify({ pid: process.pid, hostname: hostname(), acquiredAt: 'before restart' }));
      acquireDataDirLock(dir).release();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('makes a second process refuse to start with a clear error', () => {
    const dir = scratch();
    try {
      const lock = acquireDataDirLock(dir);
      const child = spawnSync(
        process.execPath,
        ['-e', `require(${JSON.stringify(packageIndex)}).createPersistence({ dataDir: ${JSON.stringify(dir)} })
          .then(() => process.exit(0), (e) => { console.error(e.message); process.exit(e.name === 'DataDirLockedError' ? 3 : 1); })`],
        { encoding: 'utf8', timeout: 30_000 },
      );
      lock.release();
      assert.equal(child.status, 3, child.stderr);
      assert.match(child.stderr, new RegExp(`data directory is in use: .* held by process ${process.pid}`));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses while another live process holds it, and recovers once that process is killed', async () => {
    const dir = scratch();
    const holder = spawn(
      process.execPath,
      ['-e', `require(${JSON.stringify(packageIndex)}).acquireDataDirLock(${JSON.stringify(dir)}); console.log('locked'); setInterval(() => {}, 1000);`],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    try {
      await new Promise<void>((resolve, reject) => {
        holder.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('locked') && resolve());
        holder.on('exit', (code) => reject(new Error(`lock holder exited early (${code})`)));
      });
      assert.throws(() => acquireDataDirLock(dir), (error: unknown) => error instanceof DataDirLockedError && error.ownerPid === holder.pid);
      const exited = new Promise((resolve) => holder.once('exit', resolve));
      holder.kill('SIGKILL');
      await exited;
      // Killed without cleanup: the lock file is still there, but stale.
      assert.equal(existsSync(join(dir, DATA_DIR_LOCK_FILE)), true);
      acquireDataDirLock(dir).release();
    } finally {
      if (holder.exitCode === null && holder.signalCode === null) holder.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

import { closeSync, linkSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';

export const DATA_DIR_LOCK_FILE = 'titan.lock';

/** Thrown when another live process owns the data directory. */
export class DataDirLockedError extends Error {
  override readonly name = 'DataDirLockedError';
  constructor(
    readonly lockPath: string,
    readonly ownerPid: number | null,
  ) {
    super(
      `data directory is in use: ${lockPath} is held by ${ownerPid === null ? 'another process' : `process ${ownerPid}`}. ` +
        'Only one Titan process may use an embedded data directory (its in-memory stores cannot be shared); ' +
        'stop the other process, or delete the lock file if that process is gone.',
    );
  }
}

export interface DataDirLock {
  readonly path: string;
  /** Removes the lock file if it is still ours. Idempotent. */
  release(): void;
}

interface LockContent {
  readonly pid: number;
  readonly hostname: string;
  readonly acquiredAt: string;
}

function readLock(path: string): LockContent | null {
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as Partial<LockContent>;
    return typeof parsed.pid === 'number' ? (parsed as LockContent) : null;
  } catch {
    return null;
  }
}

// Lock files this process holds. A lock file naming our own PID that is not in here was left by an
// earlier process that had the same PID: typically PID 1 of a restarted container.
const heldHere = new Set<string>();

function isAlive(pid: number): boolean {
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Takes the exclusive lock of an embedded data directory: a lock file created with O_EXCL that holds
 * our PID. A lock left by a dead process on this host is stale and taken over; a lock held by a live
 * process, or written on another host (we cannot check its PID), refuses with {@link DataDirLockedError}.
 */
export function acquireDataDirLock(dataDir: string): DataDirLock {
  const path = join(resolve(dataDir), DATA_DIR_LOCK_FILE);
  const mine: LockContent = { pid: process.pid, hostname: hostname(), acquiredAt: new Date().toISOString() };
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(path, 'wx', 0o600);
      try {
        writeSync(fd, JSON.stringify(mine));
      } finally {
        closeSync(fd);
      }
      return lockHandle(path, mine);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const owner = readLock(path);
    // An unreadable lock may be one being written right now: never treat it as stale.
    if (owner === null || heldHere.has(path) || owner.hostname !== mine.hostname || isAlive(owner.pid)) {
      throw new DataDirLockedError(path, owner?.pid ?? null);
    }
    // Stale: move it aside atomically so two processes cleaning up at once cannot both win.
    const aside = `${path}.stale-${process.pid}`;
    try {
      renameSync(path, aside);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw error;
    }
    const moved = readLock(aside);
    if (moved && (moved.pid !== owner.pid || moved.acquiredAt !== owner.acquiredAt)) {
      // Another process replaced the stale lock with its own between our read and our rename: put it back.
      try {
        linkSync(aside, path);
      } finally {
        unlinkSync(aside);
      }
      throw new DataDirLockedError(path, moved.pid);
    }
    unlinkSync(aside);
  }
  throw new DataDirLockedError(path, readLock(path)?.pid ?? null);
}

function lockHandle(path: string, mine: LockContent): DataDirLock {
  let held = true;
  heldHere.add(path);
  return {
    path,
    release() {
      if (!held) return;
      held = false;
      heldHere.delete(path);
      const current = readLock(path);
      if (current?.pid === mine.pid && current.acquiredAt === mine.acquiredAt) {
        try {
          unlinkSync(path);
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
        }
      }
    },
  };
}

import { constants, promises as fs } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { KEY_ENCRYPTION_KEY_BYTES } from './key-encryption';

export interface LoadKeyEncryptionKeyOptions {
  /** Value of `TITAN_KEK`: 32 bytes as unpadded base64url. Wins over the data directory. */
  readonly kekEnv?: string;
  /** Embedded mode only: `<dataDir>/kek` is created (mode 0600) on first start, then reused. */
  readonly dataDir?: string;
}

export const KEK_FILE_NAME = 'kek';
const KEK_TEXT = /^[A-Za-z0-9_-]{43}$/;

function parseKek(text: string, where: string): Uint8Array {
  const bytes = KEK_TEXT.test(text) ? Buffer.from(text, 'base64url') : null;
  if (!bytes || bytes.length !== KEY_ENCRYPTION_KEY_BYTES || bytes.toString('base64url') !== text) {
    // Never echo the value: it is a secret even when malformed.
    throw new Error(
      `${where} must be ${KEY_ENCRYPTION_KEY_BYTES} random bytes as unpadded base64url (43 characters); ` +
        `generate one with: node -e "console.log(require('crypto').randomBytes(32).toString('base64url'))"`,
    );
  }
  return new Uint8Array(bytes);
}

/** A fresh KEK in the `TITAN_KEK` text format (for the CLI and operators). */
export const generateKeyEncryptionKey = (): string => randomBytes(KEY_ENCRYPTION_KEY_BYTES).toString('base64url');

async function readKekFile(path: string): Promise<Uint8Array | null> {
  let handle: fs.FileHandle;
  try {
    // O_NOFOLLOW: a symlink planted in the data directory is refused, not followed.
    handle = await fs.open(path, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new Error(`cannot open the key-encryption key file ${path}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`);
  }
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) throw new Error(`the key-encryption key file ${path} is not a regular file`);
    const mode = stat.mode & 0o777;
    if ((mode & 0o077) !== 0) {
      throw new Error(
        `refusing the key-encryption key file ${path}: its mode ${mode.toString(8).padStart(4, '0')} is wider than 0600 (run: chmod 600 ${path})`,
      );
    }
    return parseKek((await handle.readFile('utf8')).trim(), `the key-encryption key file ${path}`);
  } finally {
    await handle.close();
  }
}

/** Writes a new KEK atomically: O_EXCL temp file (0600), fsync, then link() which fails if another process won. */
async function createKekFile(dir: string, path: string): Promise<void> {
  const temp = join(dir, `.${KEK_FILE_NAME}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  const handle = await fs.open(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
  try {
    await handle.chmod(0o600); // independent of the umask
    await handle.writeFile(`${generateKeyEncryptionKey()}\n`, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await fs.link(temp, path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    await fs.unlink(temp).catch(() => undefined);
  }
}

/**
 * The key-encryption key for signing keys at rest: from `TITAN_KEK` when set (production: every
 * instance must share it), else from `<dataDir>/kek` (embedded mode), created on first use.
 * Throws with a message naming the variable or file on any problem.
 */
export async function loadKeyEncryptionKey(options: LoadKeyEncryptionKeyOptions): Promise<Uint8Array> {
  if (options.kekEnv !== undefined) return parseKek(options.kekEnv, 'TITAN_KEK');
  if (options.dataDir === undefined) {
    throw new Error('no key-encryption key: set TITAN_KEK (32 bytes, unpadded base64url) or run in embedded mode with a data directory');
  }
  await fs.mkdir(options.dataDir, { recursive: true, mode: 0o700 });
  const path = join(options.dataDir, KEK_FILE_NAME);
  const existing = await readKekFile(path);
  if (existing) return existing;
  await createKekFile(options.dataDir, path);
  const created = await readKekFile(path);
  if (!created) throw new Error(`the key-encryption key file ${path} vanished while being created`);
  return created;
}

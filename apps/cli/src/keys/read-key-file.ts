import { readFileSync, statSync } from 'node:fs';
import { CommandError } from '../cli-error';

/** Reads a key file; the error names the file, never its content. */
export function readKeyFile(path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new CommandError('key_file_unreadable', `cannot read key file ${path}${code ? ` (${code})` : ''}`);
  }
}

/** Private keys should be 0600, as ssh insists; we warn rather than refuse. */
export function privateFileWarning(path: string): string | undefined {
  if (process.platform === 'win32') return undefined;
  const mode = statSync(path).mode & 0o777;
  return (mode & 0o077) !== 0
    ? `warning: private key file ${path} is accessible by other users (mode ${mode.toString(8).padStart(4, '0')}); run chmod 600 on it`
    : undefined;
}

import { createHash, generateKeyPairSync } from 'node:crypto';
import { closeSync, existsSync, fchmodSync, linkSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { thumbprintInput, type EcPublicJwk } from '@titan/domain';
import { CommandError, EXIT_OK } from '../cli-error';
import type { CliIo } from '../cli-io';
import { noExtraPositionals, parseOptions, requireOption } from '../parse-options';
import { KEYGEN_HELP } from '../usage';

/** `titan keygen --out FILE [--force]`: private JWK to FILE (0600), public JWK to stdout. */
export function keygenCommand(args: string[], io: CliIo): number {
  const { values, positionals } = parseOptions(args, { out: { type: 'string' }, force: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } }, 'keygen');
  if (values.help) return io.stdout(KEYGEN_HELP), EXIT_OK;
  noExtraPositionals(positionals, 0, 'keygen');
  const out = requireOption(values.out, '--out', 'keygen');
  if (existsSync(out) && !values.force) {
    throw new CommandError('file_exists', `${out} already exists; pass --force to overwrite it`);
  }
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const { kty, crv, x, y, d } = privateKey.export({ format: 'jwk' });
  const publicJwk = { kty, crv, x, y } as EcPublicJwk;
  const kid = createHash('sha256').update(thumbprintInput(publicJwk)).digest('base64url');
  writePrivateFile(out, `${JSON.stringify({ ...publicJwk, d, kid, alg: 'ES256', use: 'sig' }, null, 2)}\n`, values.force === true);
  io.stdout(`${JSON.stringify({ ...publicJwk, kid, alg: 'ES256', use: 'sig' }, null, 2)}\n`);
  io.stderr(`wrote private key to ${out} (mode 0600); thumbprint ${kid}\n`);
  return EXIT_OK;
}

// Written to a fresh 0600 file first and renamed into place, so the key never sits in a file with
// looser permissions and an overwrite is atomic.
function writePrivateFile(path: string, content: string, force: boolean): void {
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  let fd: number;
  try {
    fd = openSync(temp, 'wx', 0o600);
  } catch (e) {
    throw new CommandError('cannot_write', `cannot write to ${dirname(path)} (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  try {
    fchmodSync(fd, 0o600);
    writeSync(fd, content);
  } finally {
    closeSync(fd);
  }
  try {
    // link() refuses an existing target atomically; rename() replaces it atomically.
    if (force) renameSync(temp, path);
    else linkSync(temp, path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw new CommandError('file_exists', `${path} already exists; pass --force to overwrite it`);
    throw new CommandError('cannot_write', `cannot write ${path} (${code ?? 'error'})`);
  } finally {
    rmSync(temp, { force: true });
  }
}

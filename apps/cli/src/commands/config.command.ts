import { readFileSync } from 'node:fs';
import { parseEnv } from 'node:util';
import { ConfigError, loadConfig, summariseConfig } from '@titan/config';
import { CommandError, EXIT_OK, UsageError } from '../cli-error';
import type { CliIo } from '../cli-io';
import { noExtraPositionals, parseOptions } from '../parse-options';
import { CONFIG_HELP } from '../usage';

const TOPIC = 'config';

/**
 * `titan config check [--env-file FILE]`: the server's own validation, without starting anything.
 * Prints the effective settings (secrets only as set/unset) or the error naming the variable.
 */
export function configCommand(args: string[], io: CliIo): number {
  const { values, positionals } = parseOptions(args, {
    'env-file': { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
  }, TOPIC);
  if (values.help) return io.stdout(CONFIG_HELP), EXIT_OK;
  if (positionals[0] !== 'check') throw new UsageError(positionals[0] ? `unknown subcommand "${positionals[0]}"` : 'missing subcommand', TOPIC);
  noExtraPositionals(positionals, 1, TOPIC);
  const file = values['env-file'];
  const env = file === undefined ? io.env : parseEnv(readEnvFile(file));
  let summary: Record<string, string>;
  try {
    summary = summariseConfig(loadConfig(env));
  } catch (error) {
    if (error instanceof ConfigError) throw new CommandError('configuration_error', error.message);
    throw error;
  }
  if (values.json) {
    io.stdout(`${JSON.stringify({ ok: true, ...summary }, null, 2)}\n`);
  } else {
    const width = Math.max(...Object.keys(summary).map((k) => k.length));
    io.stdout(`configuration ok\n${Object.entries(summary).map(([k, v]) => `  ${k.padEnd(width)}  ${v}`).join('\n')}\n`);
  }
  return EXIT_OK;
}

function readEnvFile(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    throw new CommandError('unreadable_file', `cannot read ${path}`);
  }
}

import { TitanClientError } from '@titan/client';
import { CommandError, EXIT_ERROR, EXIT_OK, EXIT_USAGE, UsageError } from './cli-error';
import type { CliIo } from './cli-io';
import { adminCommand } from './commands/admin.command';
import { configCommand } from './commands/config.command';
import { auditCommand } from './commands/audit.command';
import { identitiesCommand } from './commands/identities.command';
import { keysCommand } from './commands/keys.command';
import { keygenCommand } from './commands/keygen.command';
import { tokenCommand } from './commands/token.command';
import { verifyCommand } from './commands/verify.command';
import { HELP_BY_TOPIC, MAIN_HELP } from './usage';

const COMMANDS: Record<string, (args: string[], io: CliIo) => number | Promise<number>> = {
  keygen: keygenCommand,
  token: tokenCommand,
  verify: verifyCommand,
  identities: identitiesCommand,
  keys: keysCommand,
  config: configCommand,
  admin: adminCommand,
  audit: auditCommand,
};

/** Runs one `titan` invocation and returns its exit status; never throws. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const [command, ...args] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    const topic = command === 'help' ? args[0] : undefined;
    io.stdout(topic && HELP_BY_TOPIC[topic] ? HELP_BY_TOPIC[topic] : MAIN_HELP);
    if (command === undefined) return EXIT_USAGE;
    return EXIT_OK;
  }
  const run = COMMANDS[command];
  if (!run) return usage(io, `unknown command "${command}"`);
  try {
    return await run(args, io);
  } catch (e) {
    if (e instanceof UsageError) return usage(io, e.message, e.helpTopic);
    io.stderr(`titan: ${oneLine(describe(e))}\n`);
    return EXIT_ERROR;
  }
}

function usage(io: CliIo, message: string, topic?: string): number {
  io.stderr(`titan: ${message}\nRun "titan ${topic ? `${topic} ` : ''}--help" for usage.\n`);
  return EXIT_USAGE;
}

function describe(e: unknown): string {
  if (e instanceof TitanClientError) {
    return `${e.code}: ${e.description}${e.status !== undefined ? ` (HTTP ${e.status})` : ''}`;
  }
  if (e instanceof CommandError) return `${e.code}: ${e.message}`;
  return `error: ${e instanceof Error ? e.message : String(e)}`;
}

const oneLine = (text: string): string => text.replace(/\s*\n\s*/g, ' ');

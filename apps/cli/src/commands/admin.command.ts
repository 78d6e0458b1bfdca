import { bootstrapAdmin } from '../admin/bootstrap-admin';
import { EXIT_OK, UsageError } from '../cli-error';
import type { CliIo } from '../cli-io';
import { loadPublicJwk } from '../keys/public-key-file';
import { noExtraPositionals, parseOptions, requireOption } from '../parse-options';
import { ADMIN_HELP } from '../usage';

const TOPIC = 'admin';

/** `titan admin bootstrap --public-key FILE [--database-url URL] [--data-dir DIR]`. */
export async function adminCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseOptions(args, {
    'public-key': { type: 'string' },
    'database-url': { type: 'string' },
    'data-dir': { type: 'string' },
    json: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  }, TOPIC);
  const [sub] = positionals;
  if (values.help || sub === 'help') return io.stdout(ADMIN_HELP), EXIT_OK;
  if (sub !== 'bootstrap') throw new UsageError(sub === undefined ? 'missing subcommand' : `unknown subcommand "${sub}"`, TOPIC);
  noExtraPositionals(positionals, 1, TOPIC);
  const publicJwk = loadPublicJwk(requireOption(values['public-key'], '--public-key', TOPIC));
  const databaseUrl = values['database-url'] ?? io.env['DATABASE_URL'] ?? undefined;
  const dataDir = values['data-dir'] ?? io.env['TITAN_DATA_DIR'] ?? undefined;
  const outcome = await bootstrapAdmin(publicJwk, { databaseUrl: databaseUrl || undefined, dataDir: dataDir || undefined });
  if (values.json) io.stdout(`${JSON.stringify({ outcome })}\n`);
  else io.stdout(outcome === 'created' ? 'admin identity "admin" created\n' : 'an admin identity already exists; nothing changed\n');
  return EXIT_OK;
}

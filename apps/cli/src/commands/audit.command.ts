import { verifyAudit } from '../audit/verify-audit';
import { EXIT_ERROR, EXIT_OK, UsageError } from '../cli-error';
import type { CliIo } from '../cli-io';
import { noExtraPositionals, parseOptions } from '../parse-options';
import { AUDIT_HELP } from '../usage';

const TOPIC = 'audit';
const HEAD = /^([1-9][0-9]{0,15}):([0-9a-fA-F]{64})$/;
const SCHEMA = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * `titan audit verify [--database-url URL] [--database-schema S] [--data-dir DIR] [--expect-at-least N]
 * [--expect-head SEQ:HASH] [--json]`: exit 0 when the chain holds, 1 when it is broken.
 */
export async function auditCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseOptions(args, {
    'database-url': { type: 'string' },
    'database-schema': { type: 'string' },
    'data-dir': { type: 'string' },
    'expect-at-least': { type: 'string' },
    'expect-head': { type: 'string' },
    json: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  }, TOPIC);
  const [sub] = positionals;
  if (values.help || sub === 'help') return io.stdout(AUDIT_HELP), EXIT_OK;
  if (sub !== 'verify') throw new UsageError(sub === undefined ? 'missing subcommand' : `unknown subcommand "${sub}"`, TOPIC);
  noExtraPositionals(positionals, 1, TOPIC);

  let expectAtLeast: number | undefined;
  if (values['expect-at-least'] !== undefined) {
    if (!/^(0|[1-9][0-9]{0,15})$/.test(values['expect-at-least'])) throw new UsageError('--expect-at-least must be a whole number', TOPIC);
    expectAtLeast = Number(values['expect-at-least']);
  }
  let expectHead: { seq: number; hash: string } | undefined;
  if (values['expect-head'] !== undefined) {
    const match = HEAD.exec(values['expect-head']);
    if (!match) throw new UsageError('--expect-head must be SEQ:HASH as printed by "titan audit verify" (or GET /v1/audit/head)', TOPIC);
    expectHead = { seq: Number(match[1]), hash: match[2]!.toLowerCase() };
  }
  const databaseUrl = values['database-url'] ?? io.env['DATABASE_URL'] ?? undefined;
  const databaseSchema = values['database-schema'] ?? io.env['TITAN_DATABASE_SCHEMA'] ?? undefined;
  if (databaseSchema && !SCHEMA.test(databaseSchema)) throw new UsageError('--database-schema must be a lower-case SQL identifier', TOPIC);
  const dataDir = values['data-dir'] ?? io.env['TITAN_DATA_DIR'] ?? undefined;

  const verdict = await verifyAudit({
    databaseUrl: databaseUrl || undefined,
    databaseSchema: databaseSchema || undefined,
    dataDir: dataDir || undefined,
    ...(expectAtLeast !== undefined ? { expectAtLeast } : {}),
    ...(expectHead !== undefined ? { expectHead } : {}),
  });
  if (values.json) {
    io.stdout(`${JSON.stringify(verdict.ok
      ? { ok: true, count: verdict.count, head: verdict.head && { seq: verdict.head.seq, hash: verdict.head.hash, at: verdict.head.at.toISOString() } }
      : { ok: false, brokenAtSeq: verdict.brokenAtSeq, reason: verdict.reason })}\n`);
  } else if (verdict.ok) {
    io.stdout(`ok (${verdict.count} ${verdict.count === 1 ? 'entry' : 'entries'})\n`);
    if (verdict.head) io.stdout(`head ${verdict.head.seq}:${verdict.head.hash} (${verdict.head.at.toISOString()})\n`);
  } else {
    io.stdout(`broken at entry ${verdict.brokenAtSeq}: ${verdict.reason}\n`);
  }
  if (verdict.ok && verdict.count === 0) io.stderr('titan: warning: the audit log is empty; is this the right database and schema?\n');
  return verdict.ok ? EXIT_OK : EXIT_ERROR;
}

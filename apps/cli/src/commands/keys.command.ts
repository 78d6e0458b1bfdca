import { ADMIN_OPTIONS, AdminSession } from '../admin-session';
import { EXIT_OK, UsageError } from '../cli-error';
import type { CliIo } from '../cli-io';
import { COMMON_OPTIONS, noExtraPositionals, parseOptions, requireOption, serverOf } from '../parse-options';

const TOPIC = 'keys';
const OPTIONS = { ...COMMON_OPTIONS, ...ADMIN_OPTIONS, alg: { type: 'string' }, reason: { type: 'string' } } as const;
const ALLOWED: Record<string, readonly string[]> = { list: [], rotate: ['alg'], revoke: ['reason'] };
const ARITY: Record<string, number> = { list: 0, rotate: 0, revoke: 1 };
const KID = /^[A-Za-z0-9_-]{43}$/;

export const KEYS_HELP = `Usage: titan keys <subcommand> [options]

Titan's own token-signing keys (ADR 0005).

  list                      every key: kid, alg, state (next, active, retired, removed, revoked), times
  rotate [--alg ES256|RS256]
                            publish a next key now; it starts signing one JWKS cache period (plus
                            propagation) later, never before, so no resource server misses it
  revoke KID --reason R     emergency: the key leaves the JWKS at once and its tokens stop working at
                            Titan; if it was signing, its successor signs at once (caches may briefly
                            miss that key)

Authenticates as the admin: one handshake with audience = issuer and scope titan:admin.

  --admin-key FILE     the admin's private key (default: $TITAN_ADMIN_KEY)
  --admin-id ID        the admin identity (default: $TITAN_ADMIN_ID, else "admin")
  --url URL            Titan base URL (default: $TITAN_URL, else http://localhost:8000)
  --issuer ISS         issuer to trust in signed proofs (default: the URL without trailing "/")
  --json               print the server's JSON instead of a summary
`;

interface KeyItem { kid?: unknown; alg?: unknown; state?: unknown; createdAt?: unknown; activatesAt?: unknown; activatedAt?: unknown; removesAt?: unknown; removedAt?: unknown }
interface Transition { kind?: unknown; kid?: unknown; alg?: unknown; activatesAt?: unknown; early?: unknown }

/** `titan keys list|rotate|revoke` over the admin API. */
export async function keysCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseOptions(args, OPTIONS, TOPIC);
  const [sub, ...rest] = positionals;
  if (values.help || sub === undefined || sub === 'help') {
    if (!values.help && sub === undefined) throw new UsageError('missing subcommand', TOPIC);
    return io.stdout(KEYS_HELP), EXIT_OK;
  }
  const allowed = ALLOWED[sub];
  if (!allowed) throw new UsageError(`unknown subcommand "${sub}"`, TOPIC);
  for (const name of Object.keys(values)) {
    if (!(name in COMMON_OPTIONS) && !(name in ADMIN_OPTIONS) && !allowed.includes(name)) throw new UsageError(`--${name} does not apply to "keys ${sub}"`, TOPIC);
  }
  if (rest.length < ARITY[sub]!) throw new UsageError(`"keys ${sub}" needs KID`, TOPIC);
  noExtraPositionals(rest, ARITY[sub]!, TOPIC);

  let request: { method: string; path: string; body?: unknown };
  if (sub === 'list') {
    request = { method: 'GET', path: '/v1/admin/keys' };
  } else if (sub === 'rotate') {
    if (values.alg !== undefined && values.alg !== 'ES256' && values.alg !== 'RS256') throw new UsageError('--alg must be ES256 or RS256', TOPIC);
    request = { method: 'POST', path: `/v1/admin/keys/rotate${values.alg ? `?alg=${values.alg}` : ''}` };
  } else {
    const kid = rest[0]!;
    if (!KID.test(kid)) throw new UsageError(`"${kid}" is not a key id (43 base64url characters)`, TOPIC);
    request = { method: 'POST', path: `/v1/admin/keys/${kid}/revoke`, body: { reason: requireOption(values.reason, '--reason', TOPIC) } };
  }
  const session = AdminSession.fromOptions(values, serverOf(values, io.env, TOPIC), io, TOPIC);
  const answer = (await session.call(request.method, request.path, request.body)) as { items?: KeyItem[]; keys?: KeyItem[]; transitions?: Transition[] };
  if (values.json) io.stdout(`${JSON.stringify(answer, null, 2)}\n`);
  else io.stdout(`${formatTransitions(answer.transitions)}${formatKeys(answer.items ?? answer.keys ?? [])}`);
  return EXIT_OK;
}

function formatTransitions(transitions: Transition[] | undefined): string {
  if (!transitions) return '';
  if (transitions.length === 0) return 'nothing to change: a next key is already scheduled as early as is safe\n';
  return transitions
    .map((t) => `${String(t.kind)} ${String(t.alg)} ${String(t.kid)}${t.activatesAt ? ` (signs from ${String(t.activatesAt)})` : ''}${t.early ? ' (early: caches may miss it briefly)' : ''}\n`)
    .join('');
}

function formatKeys(keys: KeyItem[]): string {
  const rows = keys.map((k) => {
    const when = k.state === 'next' ? `signs from ${String(k.activatesAt)}`
      : k.state === 'retired' ? `published until ${String(k.removesAt)}`
      : k.state === 'active' ? `signing since ${String(k.activatedAt)}`
      : `unpublished ${String(k.removedAt)}`;
    return [String(k.kid), String(k.alg), String(k.state), when];
  });
  const head = ['KID', 'ALG', 'STATE', 'WHEN'];
  const width = (col: number) => Math.max(...[head, ...rows].map((r) => r[col]!.length));
  return [head, ...rows].map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(width(i)))).join('  ')).join('\n') + '\n';
}

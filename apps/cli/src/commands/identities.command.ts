import { isWellFormedIdentityId } from '@titan/domain';
import { ADMIN_OPTIONS, AdminSession } from '../admin-session';
import { EXIT_OK, UsageError } from '../cli-error';
import type { CliIo } from '../cli-io';
import { formatIdentity, formatIdentityPage } from '../identity-format';
import { loadPublicJwk } from '../keys/public-key-file';
import { COMMON_OPTIONS, noExtraPositionals, parseOptions, requireOption, serverOf } from '../parse-options';
import { IDENTITIES_HELP } from '../usage';

const TOPIC = 'identities';
const OPTIONS = {
  ...COMMON_OPTIONS,
  ...ADMIN_OPTIONS,
  'public-key': { type: 'string' },
  scope: { type: 'string', multiple: true },
  audience: { type: 'string', multiple: true },
  reason: { type: 'string' },
  limit: { type: 'string' },
  cursor: { type: 'string' },
  all: { type: 'boolean' },
} as const;

// Which options each subcommand takes, besides the common and admin ones.
const ALLOWED: Record<string, readonly string[]> = {
  create: ['public-key', 'scope', 'audience'],
  list: ['limit', 'cursor', 'all'],
  get: [],
  revoke: ['reason'],
  'add-key': ['public-key'],
  'retire-key': [],
};
const ARITY: Record<string, number> = { create: 1, list: 0, get: 1, revoke: 1, 'add-key': 1, 'retire-key': 2 };

/** `titan identities create|list|get|revoke|add-key|retire-key ...` over the admin API. */
export async function identitiesCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseOptions(args, OPTIONS, TOPIC);
  const [sub, ...rest] = positionals;
  if (values.help || sub === undefined || sub === 'help') {
    if (!values.help && sub === undefined) throw new UsageError('missing subcommand', TOPIC);
    return io.stdout(IDENTITIES_HELP), EXIT_OK;
  }
  const allowed = ALLOWED[sub];
  if (!allowed) throw new UsageError(`unknown subcommand "${sub}"`, TOPIC);
  for (const name of Object.keys(values)) {
    if (!(name in COMMON_OPTIONS) && !(name in ADMIN_OPTIONS) && !allowed.includes(name)) {
      throw new UsageError(`--${name} does not apply to "identities ${sub}"`, TOPIC);
    }
  }
  const arity = ARITY[sub]!;
  if (rest.length < arity) throw new UsageError(`"identities ${sub}" needs ${arity === 2 ? 'ID THUMBPRINT' : 'ID'}`, TOPIC);
  noExtraPositionals(rest, arity, TOPIC);
  const id = rest[0];
  if (id !== undefined && !isWellFormedIdentityId(id)) throw new UsageError(`"${id}" is not a valid identity id`, TOPIC);

  // Everything local is checked before the handshake, so usage errors never reach the server.
  let request: { method: string; path: string; body?: unknown };
  const path = id === undefined ? '/v1/identities' : `/v1/identities/${encodeURIComponent(id)}`;
  switch (sub) {
    case 'create': {
      const publicKey = loadPublicJwk(requireOption(values['public-key'], '--public-key', TOPIC));
      const scopes = values.scope?.flatMap((s) => s.split(' ')).filter((s) => s !== '');
      request = {
        method: 'POST', path: '/v1/identities',
        body: { id, publicKey, ...(scopes && { scopes }), ...(values.audience && { audiences: values.audience }) },
      };
      break;
    }
    case 'list':
      if (values.limit !== undefined && !/^\d+$/.test(values.limit)) throw new UsageError('--limit must be a number', TOPIC);
      request = { method: 'GET', path };
      break;
    case 'get':
      request = { method: 'GET', path };
      break;
    case 'revoke':
      request = { method: 'POST', path: `${path}/revoke`, body: { reason: requireOption(values.reason, '--reason', TOPIC) } };
      break;
    case 'add-key':
      request = { method: 'POST', path: `${path}/keys`, body: { publicKey: loadPublicJwk(requireOption(values['public-key'], '--public-key', TOPIC)) } };
      break;
    default:
      request = { method: 'DELETE', path: `${path}/keys/${encodeURIComponent(rest[1]!)}` };
  }
  const session = AdminSession.fromOptions(values, serverOf(values, io.env, TOPIC), io, TOPIC);

  if (sub === 'list') {
    const pages = await listPages(session, values.limit, values.cursor, values.all === true);
    if (values.json) {
      const merged = values.all ? { items: pages.flatMap((p) => p.items ?? []), nextCursor: null } : pages[0];
      io.stdout(`${JSON.stringify(merged, null, 2)}\n`);
    } else {
      io.stdout(formatIdentityPage({ items: pages.flatMap((p) => p.items ?? []), nextCursor: pages.at(-1)?.nextCursor }));
    }
    return EXIT_OK;
  }
  const answer = await session.call(request.method, request.path, request.body);
  io.stdout(values.json ? `${JSON.stringify(answer, null, 2)}\n` : formatIdentity(answer));
  return EXIT_OK;
}

interface Page { items?: unknown[]; nextCursor?: string | null }

async function listPages(session: AdminSession, limit: string | undefined, cursor: string | undefined, all: boolean): Promise<Page[]> {
  const pages: Page[] = [];
  let next: string | null | undefined = cursor;
  do {
    const query = new URLSearchParams();
    if (limit !== undefined) query.set('limit', limit);
    if (next) query.set('cursor', next);
    const qs = query.toString();
    const page = (await session.call('GET', `/v1/identities${qs ? `?${qs}` : ''}`)) as Page;
    pages.push(page);
    next = page.nextCursor;
  } while (all && typeof next === 'string');
  return pages;
}

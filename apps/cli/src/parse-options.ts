import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './cli-error';

type Options = NonNullable<ParseArgsConfig['options']>;

/** Options every command accepts. */
export const COMMON_OPTIONS = {
  url: { type: 'string' },
  issuer: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies Options;

// A key thumbprint or kid is 43 base64url characters and may start with "-": it is a value, never an option.
const DASHED_THUMBPRINT = /^-[A-Za-z0-9_-]{42}$/;
const SHIELD = '\u0000';

/**
 * `parseArgs` in strict mode, with its errors turned into usage errors for `topic`. Thumbprints that
 * start with "-" stay positional, in place.
 */
export function parseOptions<T extends Options>(args: string[], options: T, topic: string) {
  const shielded = args.map((a) => (DASHED_THUMBPRINT.test(a) ? SHIELD + a : a));
  let parsed;
  try {
    parsed = parseArgs({ args: shielded, options, allowPositionals: true, strict: true });
  } catch (e) {
    throw new UsageError(e instanceof Error ? e.message.split('\n')[0]! : String(e), topic);
  }
  return { ...parsed, positionals: parsed.positionals.map((p) => (p.startsWith(SHIELD) ? p.slice(1) : p)) };
}

export function requireOption(value: string | undefined, flag: string, topic: string): string {
  if (value === undefined || value === '') throw new UsageError(`${flag} is required`, topic);
  return value;
}

export function noExtraPositionals(positionals: string[], expected: number, topic: string): void {
  if (positionals.length > expected) throw new UsageError(`unexpected argument "${positionals[expected]}"`, topic);
}

/** `--url`, else TITAN_URL, else the embedded default; the issuer defaults to it without trailing slashes. */
export function serverOf(values: { url?: string; issuer?: string }, env: Readonly<Record<string, string | undefined>>, topic: string) {
  const url = (values.url ?? env['TITAN_URL'] ?? 'http://localhost:8000').replace(/\/+$/, '');
  if (!/^https?:\/\/[^/]/.test(url)) throw new UsageError(`--url must be an http(s) URL, got "${url}"`, topic);
  const issuer = values.issuer ?? url;
  if (issuer.endsWith('/')) throw new UsageError('--issuer must not end with "/"', topic);
  return { url, issuer };
}

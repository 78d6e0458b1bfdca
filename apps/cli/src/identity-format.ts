/** Readable summaries of the identity API's answers (`--json` prints them raw instead). */

interface IdentityView {
  id?: unknown;
  status?: unknown;
  scopes?: unknown;
  audiences?: unknown;
  keys?: unknown;
  createdAt?: unknown;
  revokedAt?: unknown;
  revocationReason?: unknown;
  clientSecret?: unknown;
}

const list = (value: unknown): string => (Array.isArray(value) && value.length > 0 ? value.join(' ') : '-');

export function formatIdentity(value: unknown): string {
  const identity = (value ?? {}) as IdentityView;
  const lines = [
    `${String(identity.id)} (${String(identity.status)})`,
    `  scopes:     ${list(identity.scopes)}`,
    `  audiences:  ${list(identity.audiences)}`,
    `  created:    ${String(identity.createdAt)}`,
  ];
  if (identity.revokedAt) lines.push(`  revoked:    ${String(identity.revokedAt)} (${String(identity.revocationReason ?? 'no reason')})`);
  const keys = Array.isArray(identity.keys) ? (identity.keys as { thumbprint?: unknown; createdAt?: unknown }[]) : [];
  lines.push(`  keys:`);
  for (const key of keys) lines.push(`    ${String(key.thumbprint)}  added ${String(key.createdAt)}`);
  if (typeof identity.clientSecret === 'string') {
    lines.push(`  client secret (shown once, store it now): ${identity.clientSecret}`);
  }
  return `${lines.join('\n')}\n`;
}

export function formatIdentityPage(value: unknown): string {
  const page = (value ?? {}) as { items?: IdentityView[]; nextCursor?: unknown };
  const items = page.items ?? [];
  if (items.length === 0) return 'no identities\n';
  const rows = items.map((i) => [String(i.id), String(i.status), list(i.scopes)]);
  const width = (col: number) => Math.max(...[['ID', 'STATUS', 'SCOPES'], ...rows].map((r) => r[col]!.length));
  const line = (r: string[]) => `${r[0]!.padEnd(width(0))}  ${r[1]!.padEnd(width(1))}  ${r[2]}`.trimEnd();
  const out = [line(['ID', 'STATUS', 'SCOPES']), ...rows.map(line)];
  if (typeof page.nextCursor === 'string') out.push(`(more: --cursor ${page.nextCursor})`);
  return `${out.join('\n')}\n`;
}

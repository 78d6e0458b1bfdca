import assert from 'node:assert/strict';
import { createHash, generateKeyPairSync, randomBytes } from 'node:crypto';
import { thumbprintInput, UserIdentity, type EcPublicJwk, type IdentityKey } from '@titan/domain';
import type { Page, StoredSigningKey } from '@titan/application';

/** A fresh P-256 identity key with its RFC 7638 thumbprint. */
export function freshKey(createdAt = new Date('2026-01-02T03:04:05.678Z')): IdentityKey {
  const exported = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'jwk' });
  const jwk: EcPublicJwk = { kty: 'EC', crv: 'P-256', x: exported.x!, y: exported.y! };
  return { thumbprint: createHash('sha256').update(thumbprintInput(jwk)).digest('base64url'), jwk, createdAt };
}

/** An id no other test (or test run sharing the database) uses. */
export const uniqueId = (label: string): string => `${label}-${randomBytes(5).toString('hex')}`;

export function newIdentity(id: string, key: IdentityKey = freshKey(), extra: Partial<{ scopes: string[]; audiences: string[]; clientSecretHash: string | null }> = {}): UserIdentity {
  return UserIdentity.register({
    id,
    key,
    scopes: extra.scopes ?? ['orders:read', 'orders:write'],
    audiences: extra.audiences ?? ['https://orders.example'],
    clientSecretHash: extra.clientSecretHash ?? null,
    now: new Date('2026-01-02T03:04:05.678Z'),
  });
}

export function signingKey(kid: string, alg: 'ES256' | 'RS256', state: StoredSigningKey['state']): StoredSigningKey {
  const at = new Date('2026-01-03T00:00:00.123Z');
  return {
    kid,
    alg,
    state,
    publicJwk: { kty: 'EC', crv: 'P-256', x: 'x-' + kid, y: 'y-' + kid, kid, alg, use: 'sig' },
    encryptedPrivateKey: `v1.${kid}.ciphertext`,
    createdAt: at,
    activatesAt: null,
    activatedAt: state === 'active' ? at : null,
    retiredAt: state === 'retired' ? at : null,
    removedAt: state === 'removed' || state === 'revoked' ? at : null,
  };
}

export function unwrap<T, E>(result: { ok: true; value: T } | { ok: false; error: E }): T {
  if (!result.ok) throw new Error(`expected ok, got ${JSON.stringify(result.error)}`);
  return result.value;
}

export function errorCode(result: { ok: boolean; error?: { code: string } }): string | null {
  return result.ok ? null : (result.error?.code ?? null);
}

/**
 * Walks a cursor-paged list to the end, checking on every page that it holds at most `pageSize`
 * items and that only a full page announces a next one.
 */
export async function allPages<T>(
  list: (cursor: string | null) => Promise<{ ok: true; value: Page<T> } | { ok: false; error: unknown }>,
  pageSize: number,
): Promise<T[]> {
  const seen: T[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const page: Page<T> = unwrap(await list(cursor));
    assert.ok(page.items.length <= pageSize);
    assert.ok(page.nextCursor === null || page.items.length === pageSize);
    seen.push(...page.items);
    cursor = page.nextCursor;
    pages++;
  } while (cursor !== null && pages < 10_000);
  return seen;
}

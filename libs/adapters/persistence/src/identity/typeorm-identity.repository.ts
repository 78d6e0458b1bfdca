import type { DataSource, QueryRunner } from 'typeorm';
import { domainError, err, ok, UserIdentity, type DomainError, type IdentityKey, type Result } from '@titan/domain';
import type { AuditEvent, Clock, IdentityRepository, Page } from '@titan/application';
import { appendAuditEntry } from '../audit/typeorm-audit-log';
import { affected, inTransaction, rows, uniqueViolation, withRunner } from '../shared/sql';
import { InvalidCursorError, decodeIdentityCursor, encodeIdentityCursor } from './identity-cursor';
import type { IdentityKeyRecord, IdentityRecord } from './identity.record';

const IDENTITY_COLUMNS = 'id, status, scopes, audiences, client_secret_hash, created_at, revoked_at, revocation_reason';
const KEY_COLUMNS = 'thumbprint, identity_id, jwk, created_at, retired_at';

/** Maps a unique violation to the domain's code, or rethrows what is not one of ours. */
function conflict(error: unknown): Result<never, DomainError> {
  const constraint = uniqueViolation(error);
  if (constraint === 'identities_pkey') return err(domainError('identity_exists', 'an identity with this id exists or existed'));
  if (constraint === 'identity_keys_pkey') return err(domainError('key_in_use', 'this key is already registered'));
  throw error;
}

/**
 * Identities and their keys in PostgreSQL (or PGlite). Uniqueness of ids and thumbprints is the
 * primary keys' job, so concurrent registrations race safely on any number of instances. Each change
 * appends its audit entry last in its own transaction, so the chain's lock is held only briefly and
 * a refused change (rolled back) leaves no entry.
 */
export class TypeormIdentityRepository implements IdentityRepository {
  constructor(
    private readonly dataSource: DataSource,
    /** Stamps `retired_at` on keys an update removes, and audit entries. */
    private readonly clock: Clock = { now: () => new Date() },
  ) {}

  async create(identity: UserIdentity, audit: AuditEvent): Promise<Result<void, DomainError>> {
    try {
      return await inTransaction(this.dataSource, async (runner) => {
        const p = identity.toProps();
        await runner.query(
          `INSERT INTO identities (${IDENTITY_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
          [p.id, p.status, [...p.scopes], [...p.audiences], p.clientSecretHash, p.createdAt, p.revokedAt, p.revocationReason],
        );
        for (const key of p.keys) await this.insertKey(runner, p.id, key);
        await appendAuditEntry(runner, audit, this.clock.now());
        return ok(undefined);
      });
    } catch (error) {
      return conflict(error);
    }
  }

  async update(identity: UserIdentity, audit: AuditEvent): Promise<Result<void, DomainError>> {
    try {
      return await inTransaction(this.dataSource, async (runner) => {
        const p = identity.toProps();
        // The row lock serialises updates of one identity, so each one diffs against the latest keys.
        const [stored] = await rows<Pick<IdentityRecord, 'status'>>(runner, 'SELECT status FROM identities WHERE id = $1 FOR UPDATE', [p.id]);
        if (!stored) return err(domainError('identity_not_found', `no identity "${p.id}"`));
        // Revocation is final: an update built from a copy read before the revocation must not undo it.
        if (stored.status === 'revoked' && p.status !== 'revoked') {
          return err(domainError('identity_revoked', `identity "${p.id}" is revoked`));
        }
        await runner.query(
          `UPDATE identities SET status = $2, scopes = $3, audiences = $4, client_secret_hash = $5, revoked_at = $6, revocation_reason = $7
           WHERE id = $1`,
          [p.id, p.status, [...p.scopes], [...p.audiences], p.clientSecretHash, p.revokedAt, p.revocationReason],
        );
        const live = await rows<Pick<IdentityKeyRecord, 'thumbprint'>>(
          runner, 'SELECT thumbprint FROM identity_keys WHERE identity_id = $1 AND retired_at IS NULL', [p.id],
        );
        const liveThumbprints = new Set(live.map((k) => k.thumbprint));
        const wanted = new Set(p.keys.map((k) => k.thumbprint));
        const removed = [...liveThumbprints].filter((t) => !wanted.has(t));
        if (removed.length > 0) {
          await affected(
            runner,
            'UPDATE identity_keys SET retired_at = $3 WHERE identity_id = $1 AND thumbprint = ANY($2) AND retired_at IS NULL',
            [p.id, removed, this.clock.now()],
          );
        }
        for (const key of p.keys) if (!liveThumbprints.has(key.thumbprint)) await this.insertKey(runner, p.id, key);
        await appendAuditEntry(runner, audit, this.clock.now());
        return ok(undefined);
      });
    } catch (error) {
      return conflict(error);
    }
  }

  async findById(id: string): Promise<UserIdentity | null> {
    return withRunner(this.dataSource, async (runner) => {
      const [record] = await rows<IdentityRecord>(runner, `SELECT ${IDENTITY_COLUMNS} FROM identities WHERE id = $1`, [id]);
      if (!record) return null;
      return restore(record, await this.liveKeys(runner, [id]));
    });
  }

  /** A cursor this repository did not produce is `invalid_request`. */
  async list(limit: number, cursor: string | null): Promise<Result<Page<UserIdentity>, DomainError>> {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError('limit must be a positive integer');
    let after: string | null = null;
    try {
      after = cursor === null ? null : decodeIdentityCursor(cursor);
    } catch (error) {
      if (error instanceof InvalidCursorError) return err(domainError('invalid_request', 'cursor is not a nextCursor from this list'));
      throw error;
    }
    const page = await withRunner(this.dataSource, async (runner) => {
      // One row more than asked tells whether another page follows.
      const records = await rows<IdentityRecord>(
        runner,
        `SELECT ${IDENTITY_COLUMNS} FROM identities WHERE $1::text IS NULL OR id > $1::text ORDER BY id LIMIT $2`,
        [after, limit + 1],
      );
      const page = records.slice(0, limit);
      const keys = await this.liveKeys(runner, page.map((r) => r.id));
      const items = page.map((r) => restore(r, keys));
      const nextCursor = records.length > limit ? encodeIdentityCursor(page[page.length - 1]!.id) : null;
      return { items, nextCursor };
    });
    return ok(page);
  }

  private async insertKey(runner: QueryRunner, identityId: string, key: IdentityKey): Promise<void> {
    await runner.query(
      `INSERT INTO identity_keys (${KEY_COLUMNS}) VALUES ($1, $2, $3, $4, NULL)`,
      // jsonb goes as text: pg would turn a JS object into JSON but an array into a PostgreSQL array.
      [key.thumbprint, identityId, JSON.stringify(key.jwk), key.createdAt],
    );
  }

  private async liveKeys(runner: QueryRunner, ids: string[]): Promise<IdentityKeyRecord[]> {
    if (ids.length === 0) return [];
    return rows<IdentityKeyRecord>(
      runner,
      `SELECT ${KEY_COLUMNS} FROM identity_keys WHERE identity_id = ANY($1) AND retired_at IS NULL ORDER BY created_at, thumbprint`,
      [ids],
    );
  }
}

function restore(record: IdentityRecord, keys: readonly IdentityKeyRecord[]): UserIdentity {
  return UserIdentity.restore({
    id: record.id,
    status: record.status,
    keys: keys
      .filter((k) => k.identity_id === record.id)
      .map((k) => ({ thumbprint: k.thumbprint, jwk: { kty: 'EC', crv: 'P-256', x: k.jwk.x, y: k.jwk.y }, createdAt: k.created_at })),
    scopes: record.scopes,
    audiences: record.audiences,
    createdAt: record.created_at,
    revokedAt: record.revoked_at,
    revocationReason: record.revocation_reason,
    clientSecretHash: record.client_secret_hash,
  });
}

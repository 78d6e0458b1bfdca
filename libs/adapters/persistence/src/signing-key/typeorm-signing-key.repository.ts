import type { DataSource, QueryRunner } from 'typeorm';
import { ok } from '@titan/domain';
import type { Clock, SigningKeyChanges, SigningKeyRepository, StoredSigningKey } from '@titan/application';
import { appendAuditEntry } from '../audit/typeorm-audit-log';
import { affected, inTransaction, rows, withRunner } from '../shared/sql';
import type { SigningKeyRecord } from './signing-key.record';

const COLUMNS = 'kid, alg, state, public_jwk, encrypted_private_key, created_at, activates_at, activated_at, retired_at, removed_at';

/**
 * Titan's own signing keys, shared by every instance; at most one `active` key per algorithm
 * (partial unique index). Lifecycle changes go through `transact`, which holds a
 * transaction-scoped advisory lock: instances rotating at once take turns, each deciding on what
 * the previous one committed.
 */
export class TypeormSigningKeyRepository implements SigningKeyRepository {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock = { now: () => new Date() },
  ) {}

  async list(): Promise<StoredSigningKey[]> {
    return withRunner(this.dataSource, async (runner) => (await this.read(runner)).map(restore));
  }

  async transact<T>(decide: (keys: readonly StoredSigningKey[]) => Promise<SigningKeyChanges<T>>): Promise<T> {
    const outcome = await inTransaction(this.dataSource, async (runner) => {
      // One lock per schema: every instance of one Titan deployment, and no other.
      await runner.query(`SELECT pg_advisory_xact_lock(hashtext('titan'), hashtext(current_schema() || '.signing_keys'))`);
      const changes = await decide((await this.read(runner)).map(restore));
      // Audit entries first: any write below that fails rolls them back with it.
      for (const event of changes.audit ?? []) await appendAuditEntry(runner, event, this.clock.now());
      // The unique index checks each statement: retire before activating, or a rotation would trip it.
      const leaving = changes.updates.filter((k) => k.state !== 'active');
      const entering = changes.updates.filter((k) => k.state === 'active');
      for (const key of leaving) await this.save(runner, key);
      for (const key of changes.inserts) await this.insert(runner, key);
      for (const key of entering) await this.save(runner, key);
      return ok(changes.result);
    });
    if (!outcome.ok) throw new Error('unreachable');
    return outcome.value;
  }

  private read(runner: QueryRunner): Promise<SigningKeyRecord[]> {
    return rows<SigningKeyRecord>(runner, `SELECT ${COLUMNS} FROM signing_keys ORDER BY created_at, kid`);
  }

  private async insert(runner: QueryRunner, key: StoredSigningKey): Promise<void> {
    // Under the advisory lock neither a second active key nor a reused kid is a race to lose but a
    // wrong decision: the unique index or primary key refuses it, and the transaction rolls back.
    await runner.query(
      `INSERT INTO signing_keys (${COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      [
        key.kid, key.alg, key.state, JSON.stringify(key.publicJwk), key.encryptedPrivateKey, key.createdAt,
        key.activatesAt, key.activatedAt, key.retiredAt, key.removedAt,
      ],
    );
  }

  private async save(runner: QueryRunner, key: StoredSigningKey): Promise<void> {
    const count = await affected(
      runner,
      `UPDATE signing_keys SET state = $2, activates_at = $3, activated_at = $4, retired_at = $5, removed_at = $6, encrypted_private_key = $7
       WHERE kid = $1`,
      [key.kid, key.state, key.activatesAt, key.activatedAt, key.retiredAt, key.removedAt, key.encryptedPrivateKey],
    );
    if (count !== 1) throw new Error(`no signing key with kid ${key.kid}`);
  }
}

function restore(record: SigningKeyRecord): StoredSigningKey {
  return {
    kid: record.kid,
    alg: record.alg,
    state: record.state,
    publicJwk: record.public_jwk,
    encryptedPrivateKey: record.encrypted_private_key,
    createdAt: record.created_at,
    activatesAt: record.activates_at,
    activatedAt: record.activated_at,
    retiredAt: record.retired_at,
    removedAt: record.removed_at,
  };
}

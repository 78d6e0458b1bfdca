import type { DataSource, QueryRunner } from 'typeorm';
import { ok } from '@titan/domain';
import type { SigningKeyRepository, StoredSigningKey } from '@titan/application';
import { affected, inTransaction, rows, withRunner } from '../shared/sql';
import type { SigningKeyRecord } from './signing-key.record';

const COLUMNS = 'kid, alg, state, public_jwk, encrypted_private_key, created_at, activated_at, retired_at';

/** Titan's own signing keys, shared by every instance; at most one `active` key per algorithm. */
export class TypeormSigningKeyRepository implements SigningKeyRepository {
  constructor(private readonly dataSource: DataSource) {}

  async list(): Promise<StoredSigningKey[]> {
    return withRunner(this.dataSource, async (runner) =>
      (await rows<SigningKeyRecord>(runner, `SELECT ${COLUMNS} FROM signing_keys ORDER BY created_at, kid`)).map(restore),
    );
  }

  async insert(key: StoredSigningKey): Promise<boolean> {
    return withRunner(this.dataSource, async (runner) => {
      // Only the one-active-per-alg conflict is an expected outcome; a duplicate kid is a bug and throws.
      const inserted = await rows<{ kid: string }>(
        runner,
        `INSERT INTO signing_keys (${COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT (alg) WHERE state = 'active' DO NOTHING RETURNING kid`,
        [key.kid, key.alg, key.state, JSON.stringify(key.publicJwk), key.encryptedPrivateKey, key.createdAt, key.activatedAt, key.retiredAt],
      );
      return inserted.length === 1;
    });
  }

  async update(key: StoredSigningKey): Promise<void> {
    await this.updateAll([key]);
  }

  /**
   * Saves several state changes in one transaction, retirements before activations, so a rotation
   * (retire the active key, activate the next) never leaves zero or two active keys visible.
   * Not part of the port yet; see the package README.
   */
  async updateAll(keys: readonly StoredSigningKey[]): Promise<void> {
    const ordered = [...keys].sort((a, b) => Number(a.state === 'active') - Number(b.state === 'active'));
    await inTransaction(this.dataSource, async (runner) => {
      for (const key of ordered) await this.save(runner, key);
      return ok(undefined);
    });
  }

  private async save(runner: QueryRunner, key: StoredSigningKey): Promise<void> {
    const count = await affected(
      runner,
      'UPDATE signing_keys SET state = $2, activated_at = $3, retired_at = $4 WHERE kid = $1',
      [key.kid, key.state, key.activatedAt, key.retiredAt],
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
    activatedAt: record.activated_at,
    retiredAt: record.retired_at,
  };
}

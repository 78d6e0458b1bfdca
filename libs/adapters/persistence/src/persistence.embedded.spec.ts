import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import { createPersistence, type Persistence } from './create-persistence';
import { TypeormAuditTrail } from './audit/typeorm-audit-trail';
import { verifyAuditChain } from './audit/verify-audit-chain';
import type { PglitePool } from './embedded/pglite-pool';
import { auditLogContract } from './testing/audit-log.contract';
import { identityRepositoryContract } from './testing/identity-repository.contract';
import { signingKeyRepositoryContract } from './testing/signing-key-repository.contract';
import { newIdentity, uniqueId, unwrap } from './testing/fixtures';
import { signingKeyAuditContract } from './testing/signing-key-audit.contract';

// One PGlite instance for the whole file: each costs seconds to create and hundreds of MB.
describe('persistence on the embedded database (PGlite)', () => {
  const dataDir = mkdtempSync(join(process.env['TITAN_TEST_SCRATCH'] ?? tmpdir(), 'titan-embedded-'));
  let persistence: Persistence;

  before(async () => {
    persistence = await createPersistence({ dataDir });
    await persistence.dataSource.query('CREATE TABLE pool_probe (label text PRIMARY KEY)');
  });
  after(async () => {
    await persistence?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  identityRepositoryContract(() => ({ identities: persistence.identities, trail: new TypeormAuditTrail(persistence.dataSource) }));
  signingKeyRepositoryContract(() => persistence.signingKeys);
  signingKeyAuditContract(() => persistence);
  auditLogContract(() => persistence);

  describe('PGlite pool', () => {
    const labels = async (): Promise<string[]> =>
      ((await persistence.dataSource.query('SELECT label FROM pool_probe ORDER BY label')) as { label: string }[]).map((r) => r.label);

    it('keeps concurrent transactions apart: a rollback undoes only its own insert', async () => {
      const { dataSource } = persistence;
      let firstInserted!: () => void;
      const inserted = new Promise<void>((resolve) => (firstInserted = resolve));
      const failing = dataSource.transaction(async (manager) => {
        await manager.query(`INSERT INTO pool_probe VALUES ('rolled-back')`);
        firstInserted();
        // Give the other transaction every chance to run its statements in between.
        await new Promise((resolve) => setTimeout(resolve, 50));
        throw new Error('roll me back');
      });
      await inserted;
      const committing = dataSource.transaction(async (manager) => {
        await manager.query(`INSERT INTO pool_probe VALUES ('committed')`);
      });
      await assert.rejects(failing, /roll me back/);
      await committing;
      assert.deepEqual(await labels(), ['committed']);
    });

    it('rolls back what a client left open before handing the session on', async () => {
      const runner = persistence.dataSource.createQueryRunner();
      await runner.startTransaction();
      await runner.query(`INSERT INTO pool_probe VALUES ('abandoned')`);
      await runner.release();
      assert.deepEqual(await labels(), ['committed']);
      const [{ open }] = await persistence.dataSource.query(`SELECT now() <> statement_timestamp() AS open`);
      assert.equal(open, false, 'no transaction is open on the next client');
    });

    it('hands the session out first come, first served', async () => {
      const pool = (persistence.dataSource.driver as PostgresDriver).master as PglitePool;
      const first = await pool.connect();
      const order: number[] = [];
      const waiting = [1, 2, 3].map((n) => pool.connect().then((client) => { order.push(n); return client; }));
      assert.equal(pool.waitingCount, 3);
      first.release();
      for (const next of waiting) (await next).release();
      assert.deepEqual(order, [1, 2, 3]);
    });

    it('serves the pg callback forms TypeORM uses', async () => {
      const pool = (persistence.dataSource.driver as PostgresDriver).master as PglitePool;
      const result = await new Promise<unknown>((resolve, reject) =>
        pool.connect((error, client, release) => {
          if (error || !client || !release) return reject(error);
          client.query('SELECT 1 AS one', (queryError, rows) => {
            release();
            return queryError ? reject(queryError) : resolve(rows);
          });
        }),
      );
      assert.deepEqual((result as { rows: unknown[] }).rows, [{ one: 1 }]);
    });
  });

  it('answers ping', async () => {
    await persistence.ping();
  });

  it('keeps identities, keys and the audit chain across close and reopen', async () => {
    const identity = newIdentity(uniqueId('durable'));
    unwrap(await persistence.identities.create(identity, { action: 'identity.registered', outcome: 'success', actor: null, subject: identity.id }));
    await persistence.audit.record({ action: 'before-restart', outcome: 'success', actor: null, subject: identity.id });
    const verdict = await verifyAuditChain(persistence.dataSource);
    await persistence.close();
    persistence = await createPersistence({ dataDir });
    assert.deepEqual((await persistence.identities.findById(identity.id))?.toProps(), identity.toProps());
    assert.deepEqual(await verifyAuditChain(persistence.dataSource), verdict);
    assert.ok(verdict.ok && verdict.count > 0);
  });
});

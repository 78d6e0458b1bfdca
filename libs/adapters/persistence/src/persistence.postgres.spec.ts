import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createIsolatedSchema, postgresRequirement, type IsolatedSchema } from '@titan/testing';
import { createPersistence, type Persistence } from './create-persistence';
import { migrations as allMigrations } from './migrations';
import { TypeormAuditTrail } from './audit/typeorm-audit-trail';
import { verifyAuditChain } from './audit/verify-audit-chain';
import { auditLogContract } from './testing/audit-log.contract';
import { identityRepositoryContract } from './testing/identity-repository.contract';
import { signingKeyRepositoryContract } from './testing/signing-key-repository.contract';
import { signingKeyAuditContract } from './testing/signing-key-audit.contract';

const { url, skip } = postgresRequirement();

describe('persistence on PostgreSQL', { skip }, () => {
  let schema: IsolatedSchema;
  let persistence: Persistence;
  let twin: Persistence;

  before(async () => {
    schema = await createIsolatedSchema(url!);
    // Two instances starting together: the advisory lock lets one migrate while the other waits.
    [persistence, twin] = await Promise.all([
      createPersistence({ databaseUrl: url!, schema: schema.schema }),
      createPersistence({ databaseUrl: url!, schema: schema.schema }),
    ]);
  });
  after(async () => {
    await twin?.close();
    await persistence?.close();
    await schema?.drop();
  });

  it('migrated once, inside its own schema', async () => {
    const migrations = await persistence.dataSource.query('SELECT name FROM titan_migrations');
    assert.deepEqual(migrations, allMigrations.map((m) => ({ name: m.name })));
    const tables = await persistence.dataSource.query(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name`, [schema.schema],
    );
    assert.deepEqual(tables.map((t: { table_name: string }) => t.table_name), ['audit_log', 'identities', 'identity_keys', 'signing_keys', 'titan_migrations']);
    await persistence.ping();
  });

  identityRepositoryContract(() => ({ identities: persistence.identities, trail: new TypeormAuditTrail(persistence.dataSource) }));
  signingKeyRepositoryContract(() => persistence.signingKeys);
  signingKeyAuditContract(() => persistence);
  auditLogContract(() => persistence);

  it('shares one chain between instances', async () => {
    await Promise.all([
      ...Array.from({ length: 10 }, () => persistence.audit.record({ action: 'a', outcome: 'success', actor: null, subject: null })),
      ...Array.from({ length: 10 }, () => twin.audit.record({ action: 'b', outcome: 'success', actor: null, subject: null })),
    ]);
    assert.equal((await verifyAuditChain(twin.dataSource)).ok, true);
  });
});

describe('persistence on an unreachable PostgreSQL', () => {
  it('fails fast at start-up', async () => {
    const started = Date.now();
    await assert.rejects(createPersistence({ databaseUrl: 'postgres://postgres@127.0.0.1:1/none', connectTimeoutMs: 1_000 }));
    assert.ok(Date.now() - started < 5_000);
  });

  it('refuses a schema name it would have to quote', async () => {
    await assert.rejects(createPersistence({ databaseUrl: 'postgres://postgres@127.0.0.1:1/none', schema: 'a"; DROP' }), /invalid schema/);
  });
});

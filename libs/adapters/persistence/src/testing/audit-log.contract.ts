import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { DataSource } from 'typeorm';
import type { AuditEntry, AuditLog } from '@titan/application';
import { TypeormAuditTrail } from '../audit/typeorm-audit-trail';
import { verifyAuditChain } from '../audit/verify-audit-chain';
import { allPages, uniqueId } from './fixtures';

/** Runs `sql` with the append-only triggers off, as an attacker who owns the table could. */
async function tamper(dataSource: DataSource, sql: string, params: unknown[] = []): Promise<void> {
  await dataSource.transaction(async (manager) => {
    await manager.query('ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_change');
    await manager.query(sql, params);
    await manager.query('ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_change');
  });
}

async function count(dataSource: DataSource): Promise<number> {
  const verdict = await verifyAuditChain(dataSource);
  assert.ok(verdict.ok, JSON.stringify(verdict));
  return verdict.count;
}

/** Contract of the AuditLog port plus the chain verifier, on the adapter's own data source. */
export function auditLogContract(subject: () => { audit: AuditLog; dataSource: DataSource }): void {
  describe('AuditLog contract', () => {
    it('appends entries that verify, storing every field', async () => {
      const { audit, dataSource } = subject();
      const before = await count(dataSource);
      const subjectId = uniqueId('audited');
      await audit.record({ action: 'identity.registered', outcome: 'success', actor: 'admin', subject: subjectId, reason: 'key abc', requestId: 'req-1', clientIp: '10.0.0.1' });
      await audit.record({ action: 'proof.failed', outcome: 'failure', actor: null, subject: subjectId });
      assert.equal(await count(dataSource), before + 2);
      const stored = await dataSource.query('SELECT actor, action, subject, outcome, reason, request_id, client_ip FROM audit_log WHERE subject = $1 ORDER BY seq', [subjectId]);
      assert.deepEqual(stored, [
        { actor: 'admin', action: 'identity.registered', subject: subjectId, outcome: 'success', reason: 'key abc', request_id: 'req-1', client_ip: '10.0.0.1' },
        { actor: null, action: 'proof.failed', subject: subjectId, outcome: 'failure', reason: null, request_id: null, client_ip: null },
      ]);
    });

    it('keeps one unforked chain under concurrent appends', async () => {
      const { audit, dataSource } = subject();
      const before = await count(dataSource);
      await Promise.all(Array.from({ length: 20 }, (_, i) => audit.record({ action: 'burst', outcome: 'success', actor: null, subject: `n${i}` })));
      assert.equal(await count(dataSource), before + 20);
    });

    it('pages newest first with an opaque cursor, and names the head', async () => {
      const { audit, dataSource } = subject();
      const trail = new TypeormAuditTrail(dataSource);
      const marker = uniqueId('paged');
      for (let i = 0; i < 7; i++) await audit.record({ action: 'paged', outcome: 'success', actor: null, subject: marker, reason: String(i) });
      const head = await trail.head();
      assert.ok(head);
      const seen: AuditEntry[] = await allPages((cursor) => trail.list(3, cursor), 3);
      const seqs = seen.map((e) => e.seq);
      assert.deepEqual(seqs, [...seqs].sort((a, b) => b - a), 'newest first');
      assert.equal(new Set(seqs).size, seqs.length, 'no entry twice');
      assert.equal(seqs[0], head.seq);
      assert.equal(seen[0]!.hash, head.hash);
      assert.equal(seqs[seqs.length - 1], 1, 'down to the first entry');
      assert.deepEqual(seen.filter((e) => e.subject === marker).map((e) => e.reason), ['6', '5', '4', '3', '2', '1', '0']);
      for (const bad of ['not-a-cursor!', Buffer.from('a1:0').toString('base64url'), Buffer.from('i1:orders').toString('base64url')]) {
        const refused = await trail.list(3, bad);
        assert.equal(!refused.ok && refused.error.code, 'invalid_request', bad);
      }
    });

    it('reports the count, the head and the hash at an anchor', async () => {
      const { audit, dataSource } = subject();
      const trail = new TypeormAuditTrail(dataSource);
      await audit.record({ action: 'anchored', outcome: 'success', actor: null, subject: null });
      const head = await trail.head();
      await audit.record({ action: 'after-anchor', outcome: 'success', actor: null, subject: null });
      const verdict = await trail.verify({ anchorSeq: head!.seq });
      assert.ok(verdict.ok);
      assert.equal(verdict.anchorHash, head!.hash);
      assert.equal(verdict.count, head!.seq + 1);
      assert.equal(verdict.head!.seq, head!.seq + 1);
      const beyond = await trail.verify({ anchorSeq: verdict.count + 5 });
      assert.ok(beyond.ok && beyond.anchorHash === null);
    });

    it('refuses updates and deletes at the database', async () => {
      const { audit, dataSource } = subject();
      await audit.record({ action: 'guarded', outcome: 'success', actor: null, subject: null });
      await assert.rejects(dataSource.query(`UPDATE audit_log SET action = 'x'`), /append-only/);
      await assert.rejects(dataSource.query('DELETE FROM audit_log'), /append-only/);
      await assert.rejects(dataSource.query('TRUNCATE audit_log'), /append-only/);
    });

    it('detects an edited entry', async () => {
      const { audit, dataSource } = subject();
      await audit.record({ action: 'to-edit', outcome: 'failure', actor: 'eve', subject: 'victim', reason: 'bad signature' });
      await audit.record({ action: 'after-edit', outcome: 'success', actor: null, subject: null });
      const [row] = await dataSource.query(`SELECT seq, reason FROM audit_log WHERE action = 'to-edit' ORDER BY seq DESC LIMIT 1`);
      await tamper(dataSource, 'UPDATE audit_log SET reason = $2 WHERE seq = $1', [row.seq, 'nothing to see']);
      const verdict = await verifyAuditChain(dataSource);
      assert.equal(verdict.ok, false);
      assert.equal(!verdict.ok && verdict.brokenAtSeq, Number(row.seq));
      await tamper(dataSource, 'UPDATE audit_log SET reason = $2 WHERE seq = $1', [row.seq, row.reason]);
      assert.equal((await verifyAuditChain(dataSource)).ok, true);
    });

    it('detects a deleted entry', async () => {
      const { audit, dataSource } = subject();
      await audit.record({ action: 'to-delete', outcome: 'success', actor: null, subject: null });
      await audit.record({ action: 'after-delete', outcome: 'success', actor: null, subject: null });
      const [row] = await dataSource.query(`SELECT * FROM audit_log WHERE action = 'to-delete' ORDER BY seq DESC LIMIT 1`);
      await tamper(dataSource, 'DELETE FROM audit_log WHERE seq = $1', [row.seq]);
      const verdict = await verifyAuditChain(dataSource);
      assert.equal(verdict.ok, false);
      assert.equal(!verdict.ok && verdict.brokenAtSeq, Number(row.seq));
      await dataSource.query(
        'INSERT INTO audit_log (seq, at, actor, action, subject, outcome, reason, request_id, client_ip, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)',
        [row.seq, row.at, row.actor, row.action, row.subject, row.outcome, row.reason, row.request_id, row.client_ip, row.prev_hash, row.hash],
      );
      assert.equal((await verifyAuditChain(dataSource)).ok, true);
    });

    it('detects reordered entries', async () => {
      const { audit, dataSource } = subject();
      await audit.record({ action: 'first', outcome: 'success', actor: null, subject: null });
      await audit.record({ action: 'second', outcome: 'success', actor: null, subject: null });
      const [{ seq }] = await dataSource.query('SELECT max(seq) AS seq FROM audit_log');
      const last = Number(seq);
      const swap = async () => {
        await tamper(dataSource, 'UPDATE audit_log SET seq = -1 WHERE seq = $1', [last]);
        await tamper(dataSource, 'UPDATE audit_log SET seq = $1 WHERE seq = $2', [last, last - 1]);
        await tamper(dataSource, 'UPDATE audit_log SET seq = $1 WHERE seq = -1', [last - 1]);
      };
      await swap();
      const verdict = await verifyAuditChain(dataSource);
      assert.equal(verdict.ok, false);
      assert.equal(!verdict.ok && verdict.brokenAtSeq, last - 1);
      await swap();
      assert.equal((await verifyAuditChain(dataSource)).ok, true);
    });
  });
}

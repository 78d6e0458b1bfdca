import type { DataSource, QueryRunner } from 'typeorm';
import { ok } from '@titan/domain';
import type { AuditEvent, AuditLog, Clock } from '@titan/application';
import { inTransaction, rows, toSafeInteger } from '../shared/sql';
import { AUDIT_GENESIS_HASH, auditEntryHash, type AuditEntryFields } from './audit-chain';
import type { AuditEntryRecord } from './audit-entry.record';

/**
 * Appends one entry to the hash chain inside the caller's open transaction. A transaction-scoped
 * advisory lock (per schema) serialises appenders, so every entry links to the one committed before
 * it and the chain never forks, on one instance or many. Exposed so a change and its audit entry can
 * share one transaction.
 */
export async function appendAuditEntry(runner: QueryRunner, event: AuditEvent, at: Date): Promise<AuditEntryFields & { hash: string }> {
  if (!runner.isTransactionActive) throw new Error('appendAuditEntry needs an open transaction');
  await runner.query(`SELECT pg_advisory_xact_lock(hashtext('titan'), hashtext(current_schema() || '.audit_log'))`);
  const [last] = await rows<Pick<AuditEntryRecord, 'seq' | 'hash'>>(runner, 'SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1');
  const entry: AuditEntryFields = {
    seq: last ? toSafeInteger(last.seq) + 1 : 1,
    at,
    actor: event.actor,
    action: event.action,
    subject: event.subject,
    outcome: event.outcome,
    reason: event.reason ?? null,
    requestId: event.requestId ?? null,
    clientIp: event.clientIp ?? null,
  };
  const prevHash = last?.hash ?? AUDIT_GENESIS_HASH;
  const hash = auditEntryHash(entry, prevHash);
  await runner.query(
    `INSERT INTO audit_log (seq, at, actor, action, subject, outcome, reason, request_id, client_ip, prev_hash, hash)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
    [entry.seq, entry.at, entry.actor, entry.action, entry.subject, entry.outcome, entry.reason, entry.requestId, entry.clientIp, prevHash, hash],
  );
  return { ...entry, hash };
}

/** The append-only, hash-chained audit trail (PRODUCT.md section 9). */
export class TypeormAuditLog implements AuditLog {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock = { now: () => new Date() },
  ) {}

  async record(event: AuditEvent): Promise<void> {
    await inTransaction(this.dataSource, async (runner) => {
      await appendAuditEntry(runner, event, this.clock.now());
      return ok(undefined);
    });
  }
}

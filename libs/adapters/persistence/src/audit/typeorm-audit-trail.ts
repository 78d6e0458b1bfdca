import type { DataSource } from 'typeorm';
import { domainError, err, ok, type DomainError, type Result } from '@titan/domain';
import type { AuditChainVerdict, AuditEntry, AuditHead, AuditTrail, Page } from '@titan/application';
import { InvalidCursorError } from '../identity/identity-cursor';
import { rows, toSafeInteger, withRunner } from '../shared/sql';
import { decodeAuditCursor, encodeAuditCursor } from './audit-cursor';
import type { AuditEntryRecord } from './audit-entry.record';
import { verifyAuditChain } from './verify-audit-chain';

const ENTRY_COLUMNS = 'seq, at, actor, action, subject, outcome, reason, request_id, client_ip, hash';

/** Reads the audit log: admin pages (newest first), the head, and the full chain check. */
export class TypeormAuditTrail implements AuditTrail {
  constructor(private readonly dataSource: DataSource) {}

  async list(limit: number, cursor: string | null): Promise<Result<Page<AuditEntry>, DomainError>> {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError('limit must be a positive integer');
    let before: number | null = null;
    try {
      before = cursor === null ? null : decodeAuditCursor(cursor);
    } catch (error) {
      if (error instanceof InvalidCursorError) return err(domainError('invalid_request', 'cursor is not a nextCursor from this list'));
      throw error;
    }
    const page = await withRunner(this.dataSource, async (runner) => {
      // Newest first; one row more than asked tells whether another page follows. Entries appended
      // while paging land before the first page, so a walk through the pages never repeats or skips.
      const records = await rows<Omit<AuditEntryRecord, 'prev_hash'>>(
        runner,
        `SELECT ${ENTRY_COLUMNS} FROM audit_log WHERE $1::bigint IS NULL OR seq < $1::bigint ORDER BY seq DESC LIMIT $2`,
        [before, limit + 1],
      );
      const items = records.slice(0, limit).map(toEntry);
      const nextCursor = records.length > limit ? encodeAuditCursor(items[items.length - 1]!.seq) : null;
      return { items, nextCursor };
    });
    return ok(page);
  }

  async head(): Promise<AuditHead | null> {
    return withRunner(this.dataSource, async (runner) => {
      const [last] = await rows<Pick<AuditEntryRecord, 'seq' | 'hash' | 'at'>>(runner, 'SELECT seq, hash, at FROM audit_log ORDER BY seq DESC LIMIT 1');
      return last ? { seq: toSafeInteger(last.seq), hash: last.hash, at: last.at } : null;
    });
  }

  verify(options: { readonly anchorSeq?: number } = {}): Promise<AuditChainVerdict> {
    return verifyAuditChain(this.dataSource, options);
  }
}

function toEntry(record: Omit<AuditEntryRecord, 'prev_hash'>): AuditEntry {
  return {
    seq: toSafeInteger(record.seq), at: record.at, actor: record.actor, action: record.action, subject: record.subject,
    outcome: record.outcome, reason: record.reason, requestId: record.request_id, clientIp: record.client_ip, hash: record.hash,
  };
}

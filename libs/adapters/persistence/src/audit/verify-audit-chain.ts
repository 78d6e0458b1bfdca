import type { DataSource } from 'typeorm';
import type { AuditChainVerdict, AuditHead } from '@titan/application';
import { rows, toSafeInteger, withRunner } from '../shared/sql';
import { AUDIT_GENESIS_HASH, auditEntryHash } from './audit-chain';
import type { AuditEntryRecord } from './audit-entry.record';

export type { AuditChainVerdict };

const BATCH = 1000;

/**
 * Walks the whole audit log in `seq` order and recomputes every hash. Detects an edited entry (its
 * hash no longer matches), a deleted one (a gap in `seq` and a broken link) and reordered ones
 * (`seq` is hashed), naming the first broken sequence number. Deleting the newest entries leaves a
 * shorter valid chain: compare `count` with a previously noted count, or pass the `seq` of a
 * previously noted head as `anchorSeq` and compare the `anchorHash` returned with the noted hash.
 *
 * Runs in one REPEATABLE READ transaction, so appends made while it walks (a live PostgreSQL) are
 * neither half-seen nor mistaken for a broken link.
 */
export async function verifyAuditChain(dataSource: DataSource, options: { readonly anchorSeq?: number } = {}): Promise<AuditChainVerdict> {
  return withRunner(dataSource, async (runner) => {
    await runner.startTransaction('REPEATABLE READ');
    try {
      let expectedSeq = 1;
      let prevHash = AUDIT_GENESIS_HASH;
      let head: AuditHead | null = null;
      let anchorHash: string | null = null;
      for (;;) {
        const batch = await rows<AuditEntryRecord>(
          runner,
          `SELECT seq, at, actor, action, subject, outcome, reason, request_id, client_ip, prev_hash, hash
           FROM audit_log WHERE seq >= $1 ORDER BY seq LIMIT $2`,
          [expectedSeq, BATCH],
        );
        for (const record of batch) {
          const seq = toSafeInteger(record.seq);
          if (seq !== expectedSeq) {
            return { ok: false, brokenAtSeq: expectedSeq, reason: `entry ${expectedSeq} is missing (next is ${seq})` };
          }
          if (record.prev_hash !== prevHash) {
            return { ok: false, brokenAtSeq: seq, reason: `entry ${seq} does not link to the entry before it` };
          }
          const hash = auditEntryHash(
            {
              seq, at: record.at, actor: record.actor, action: record.action, subject: record.subject, outcome: record.outcome,
              reason: record.reason, requestId: record.request_id, clientIp: record.client_ip,
            },
            record.prev_hash,
          );
          if (hash !== record.hash) return { ok: false, brokenAtSeq: seq, reason: `entry ${seq} was altered (hash mismatch)` };
          if (seq === options.anchorSeq) anchorHash = hash;
          prevHash = record.hash;
          head = { seq, hash: record.hash, at: record.at };
          expectedSeq++;
        }
        if (batch.length < BATCH) break;
      }
      const [extra] = await rows<{ seq: string }>(runner, 'SELECT min(seq) AS seq FROM audit_log WHERE seq < 1');
      if (extra?.seq != null) {
        return { ok: false, brokenAtSeq: toSafeInteger(extra.seq), reason: `entry ${extra.seq} lies outside the chain` };
      }
      return { ok: true, count: expectedSeq - 1, head, anchorHash };
    } finally {
      await runner.rollbackTransaction().catch(() => undefined);
    }
  });
}

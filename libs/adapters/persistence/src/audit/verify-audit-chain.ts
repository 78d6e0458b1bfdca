import type { DataSource } from 'typeorm';
import { rows, toSafeInteger, withRunner } from '../shared/sql';
import { AUDIT_GENESIS_HASH, auditEntryHash } from './audit-chain';
import type { AuditEntryRecord } from './audit-entry.record';

export type AuditChainVerdict =
  | { readonly ok: true; readonly count: number }
  | { readonly ok: false; readonly brokenAtSeq: number; readonly reason: string };

const BATCH = 1000;

/**
 * Walks the whole audit log in `seq` order and recomputes every hash. Detects an edited entry (its
 * hash no longer matches), a deleted one (a gap in `seq` and a broken link) and reordered ones
 * (`seq` is hashed). Deleting the newest entries leaves a shorter valid chain: compare `count`
 * with a previously noted count, or anchor the last hash elsewhere, to catch that.
 */
export async function verifyAuditChain(dataSource: DataSource): Promise<AuditChainVerdict> {
  return withRunner(dataSource, async (runner) => {
    let expectedSeq = 1;
    let prevHash = AUDIT_GENESIS_HASH;
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
        prevHash = record.hash;
        expectedSeq++;
      }
      if (batch.length < BATCH) break;
    }
    const [extra] = await rows<{ seq: string }>(runner, 'SELECT min(seq) AS seq FROM audit_log WHERE seq < 1');
    if (extra?.seq != null) {
      return { ok: false, brokenAtSeq: toSafeInteger(extra.seq), reason: `entry ${extra.seq} lies outside the chain` };
    }
    return { ok: true, count: expectedSeq - 1 };
  });
}

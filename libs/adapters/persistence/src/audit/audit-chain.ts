import { createHash } from 'node:crypto';
import type { AuditEntry } from '@titan/application';

/** `prev_hash` of the first entry. */
export const AUDIT_GENESIS_HASH = '0'.repeat(64);

/** The fields an entry's hash commits to, besides the previous hash. */
export type AuditEntryFields = Omit<AuditEntry, 'hash'>;

/**
 * SHA-256 (hex) over a versioned, canonical serialisation: a JSON array in a fixed field order (no
 * object key ordering to agree on, strings escaped unambiguously, null distinct from ""), ending
 * with the previous entry's hash. `seq` is inside, so swapping two entries breaks both.
 */
export function auditEntryHash(entry: AuditEntryFields, prevHash: string): string {
  const canonical = JSON.stringify([
    'titan-audit-v1',
    entry.seq,
    entry.at.toISOString(),
    entry.actor,
    entry.action,
    entry.subject,
    entry.outcome,
    entry.reason,
    entry.requestId,
    entry.clientIp,
    prevHash,
  ]);
  return createHash('sha256').update(canonical, 'utf8').digest('hex');
}

import type { DomainError, Result } from '@titan/domain';
import type { Page } from './identity-repository.port';

/** Who did what; `reason` is the exact internal reason, never shown to callers. */
export interface AuditEvent {
  readonly action: string;
  readonly outcome: 'success' | 'failure';
  readonly actor: string | null;
  readonly subject: string | null;
  readonly reason?: string | null;
  readonly requestId?: string | null;
  readonly clientIp?: string | null;
}

/**
 * Append-only audit trail, for events that change nothing else (failed proofs, failed client
 * authentication, signing-key transitions, rate-limit trips). An identity change is audited by
 * `IdentityRepository.create`/`update` in the change's own transaction instead.
 */
export interface AuditLog {
  record(event: AuditEvent): Promise<void>;
}
export const AuditLog = Symbol('AuditLog');

/** One stored entry of the hash chain. */
export interface AuditEntry {
  readonly seq: number;
  readonly at: Date;
  readonly actor: string | null;
  readonly action: string;
  readonly subject: string | null;
  readonly outcome: 'success' | 'failure';
  readonly reason: string | null;
  readonly requestId: string | null;
  readonly clientIp: string | null;
  /** SHA-256 (hex) over the entry and the previous entry's hash. */
  readonly hash: string;
}

/** The newest entry: operators note `seq` and `hash` elsewhere to detect a truncated tail later. */
export interface AuditHead {
  readonly seq: number;
  readonly hash: string;
  readonly at: Date;
}

export type AuditChainVerdict =
  | {
      readonly ok: true;
      /** Entries walked. */
      readonly count: number;
      readonly head: AuditHead | null;
      /** Hash of the entry at the `anchorSeq` asked for (null: no such entry, or none asked for). */
      readonly anchorHash: string | null;
    }
  | { readonly ok: false; readonly brokenAtSeq: number; readonly reason: string };

/** Reading and checking the audit trail (admin listing, `titan audit verify`). */
export interface AuditTrail {
  /** Newest first; `cursor` is the opaque `nextCursor` of the previous page (`invalid_request` if it is not one). */
  list(limit: number, cursor: string | null): Promise<Result<Page<AuditEntry>, DomainError>>;
  /** The newest entry, or null for an empty log. */
  head(): Promise<AuditHead | null>;
  /** Walks the whole chain from the first entry, recomputing every hash; notes the hash at `anchorSeq` on the way. */
  verify(options?: { readonly anchorSeq?: number }): Promise<AuditChainVerdict>;
}
export const AuditTrail = Symbol('AuditTrail');

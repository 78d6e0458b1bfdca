import type { AuditHead, AuditTrail } from '../ports/audit-log.port';

export interface VerifyAuditInput {
  /** A count noted earlier: fewer entries now means the newest ones were deleted. */
  readonly expectAtLeast?: number;
  /** A head noted earlier (`GET /v1/audit/head`, or a previous verify): its entry must still be there, unchanged. */
  readonly expectHead?: { readonly seq: number; readonly hash: string };
}

export type AuditVerification =
  | { readonly ok: true; readonly count: number; readonly head: AuditHead | null }
  | {
      readonly ok: false;
      /** The first sequence number that is missing, altered or out of place. */
      readonly brokenAtSeq: number;
      readonly reason: string;
    };

/**
 * Checks the audit log's hash chain end to end (`titan audit verify`). An edited, deleted or
 * reordered entry breaks the chain at its sequence number. Deleting the newest entries, or rewriting
 * the whole chain, leaves a chain that is consistent in itself: only something noted outside the
 * database (a count, a head) catches that, so both can be passed in.
 */
export class VerifyAuditUseCase {
  constructor(private readonly trail: AuditTrail) {}

  async execute(input: VerifyAuditInput = {}): Promise<AuditVerification> {
    const verdict = await this.trail.verify(input.expectHead ? { anchorSeq: input.expectHead.seq } : {});
    if (!verdict.ok) return verdict;
    const { count, head } = verdict;
    const expected = input.expectHead;
    if (expected) {
      if (count < expected.seq) {
        return { ok: false, brokenAtSeq: count + 1, reason: `entry ${count + 1} is missing: the log ends at ${count}, the noted head is entry ${expected.seq}` };
      }
      if (verdict.anchorHash !== expected.hash.toLowerCase()) {
        return { ok: false, brokenAtSeq: expected.seq, reason: `entry ${expected.seq} does not match the noted head hash: the chain up to it was rewritten` };
      }
    }
    if (input.expectAtLeast !== undefined && count < input.expectAtLeast) {
      return { ok: false, brokenAtSeq: count + 1, reason: `entry ${count + 1} is missing: the log ends at ${count}, at least ${input.expectAtLeast} entries were expected` };
    }
    return { ok: true, count, head };
  }
}

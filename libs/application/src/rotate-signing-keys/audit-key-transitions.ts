import type { AuditLog } from '../ports/audit-log.port';
import type { AppliedKeyTransition } from '../ports/signing-key-lifecycle.port';
import type { RequestContext } from '../shared/request-context';

const ACTION: Record<AppliedKeyTransition['kind'], string> = {
  create: 'signing_key.created',
  publish: 'signing_key.published',
  reschedule: 'signing_key.rescheduled',
  activate: 'signing_key.activated',
  retire: 'signing_key.retired',
  remove: 'signing_key.removed',
  revoke: 'signing_key.revoked',
};

/** One audit entry per applied transition; the reason says why (schedule, on demand, revocation reason). */
export async function auditKeyTransitions(audit: AuditLog, transitions: readonly AppliedKeyTransition[], why: string, context: RequestContext): Promise<void> {
  for (const t of transitions) {
    const detail = [why, t.alg, t.activatesAt && `activates_at=${t.activatesAt.toISOString()}`, t.early && 'early'].filter(Boolean).join(' ');
    await audit.record({
      action: ACTION[t.kind], outcome: 'success', actor: context.actor ?? null, subject: t.kid,
      reason: detail, requestId: context.requestId ?? null, clientIp: context.clientIp ?? null,
    });
  }
}

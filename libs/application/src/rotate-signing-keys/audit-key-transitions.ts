import type { AuditEvent } from '../ports/audit-log.port';
import type { AppliedKeyTransition, KeyChangeCause } from '../ports/signing-key-lifecycle.port';

const ACTION: Record<AppliedKeyTransition['kind'], string> = {
  create: 'signing_key.created',
  publish: 'signing_key.published',
  reschedule: 'signing_key.rescheduled',
  activate: 'signing_key.activated',
  retire: 'signing_key.retired',
  remove: 'signing_key.removed',
  revoke: 'signing_key.revoked',
};

/**
 * One audit entry per transition; the reason says why (schedule, on demand, revocation reason).
 * Written by the key store in the transaction that applies the transitions.
 */
export function keyTransitionAuditEvents(transitions: readonly AppliedKeyTransition[], cause: KeyChangeCause): AuditEvent[] {
  return transitions.map((t) => ({
    action: ACTION[t.kind], outcome: 'success', actor: cause.context.actor ?? null, subject: t.kid,
    reason: [cause.why, t.alg, t.activatesAt && `activates_at=${t.activatesAt.toISOString()}`, t.early && 'early'].filter(Boolean).join(' '),
    requestId: cause.context.requestId ?? null, clientIp: cause.context.clientIp ?? null,
  }));
}

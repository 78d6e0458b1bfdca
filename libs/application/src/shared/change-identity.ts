import { domainError, err, ok, type DomainError, type Result, type UserIdentity } from '@titan/domain';
import type { AuditEvent } from '../ports/audit-log.port';
import type { IdentityRepository } from '../ports/identity-repository.port';
import type { IdentityReader } from '../identity-reader/identity-reader';
import type { RequestContext } from './request-context';

export interface IdentityChangeDeps {
  readonly identities: IdentityRepository;
  readonly reader: IdentityReader;
}

/** The audit entry of a successful identity change made by `context`'s caller. */
export function identityAuditEvent(action: string, subject: string, reason: string, context: RequestContext): AuditEvent {
  return {
    action, outcome: 'success', actor: context.actor ?? null, subject, reason,
    requestId: context.requestId ?? null, clientIp: context.clientIp ?? null,
  };
}

/**
 * The one way an existing identity changes: load, apply the entity's rule, save together with its
 * audit entry (one transaction), tell every instance's cache. Use cases differ only in the rule and
 * the audit entry.
 */
export async function changeIdentity(
  deps: IdentityChangeDeps,
  id: string,
  change: (identity: UserIdentity) => Result<UserIdentity, DomainError>,
  event: { action: string; reason: string },
  context: RequestContext,
): Promise<Result<UserIdentity, DomainError>> {
  const identity = await deps.identities.findById(id);
  if (!identity) return err(domainError('identity_not_found', `no identity "${id}"`));
  const changed = change(identity);
  if (!changed.ok) return changed;
  const saved = await deps.identities.update(changed.value, identityAuditEvent(event.action, id, event.reason, context));
  if (!saved.ok) return saved;
  await deps.reader.changed(id);
  return ok(changed.value);
}

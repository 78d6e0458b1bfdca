import { domainError, err, ok, type DomainError, type Result, type UserIdentity } from '@titan/domain';
import type { AuditLog } from '../ports/audit-log.port';
import type { IdentityRepository } from '../ports/identity-repository.port';
import type { IdentityReader } from '../identity-reader/identity-reader';
import type { RequestContext } from './request-context';

export interface IdentityChangeDeps {
  readonly identities: IdentityRepository;
  readonly reader: IdentityReader;
  readonly audit: AuditLog;
}

/**
 * The one way an existing identity changes: load, apply the entity's rule, save, tell every
 * instance's cache, audit. Use cases differ only in the rule and the audit entry.
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
  const saved = await deps.identities.update(changed.value);
  if (!saved.ok) return saved;
  await deps.reader.changed(id);
  await deps.audit.record({
    action: event.action, outcome: 'success', actor: context.actor ?? null, subject: id, reason: event.reason,
    requestId: context.requestId ?? null, clientIp: context.clientIp ?? null,
  });
  return ok(changed.value);
}

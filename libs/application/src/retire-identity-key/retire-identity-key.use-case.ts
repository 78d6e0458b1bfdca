import { domainError, err, ok, type DomainError, type Result, type UserIdentity } from '@titan/domain';
import type { AuditLog } from '../ports/audit-log.port';
import type { IdentityRepository } from '../ports/identity-repository.port';
import type { IdentityReader } from '../identity-reader/identity-reader';
import type { RequestContext } from '../shared/request-context';

/** Retires one key of an identity; the last key cannot be retired. */
export class RetireIdentityKeyUseCase {
  constructor(
    private readonly identities: IdentityRepository,
    private readonly reader: IdentityReader,
    private readonly audit: AuditLog,
  ) {}

  async execute(input: { id: string; thumbprint: string }, context: RequestContext = {}): Promise<Result<UserIdentity, DomainError>> {
    const identity = await this.identities.findById(input.id);
    if (!identity) return err(domainError('identity_not_found', `no identity "${input.id}"`));
    const updated = identity.retireKey(input.thumbprint);
    if (!updated.ok) return updated;
    const saved = await this.identities.update(updated.value);
    if (!saved.ok) return saved;
    await this.reader.changed(identity.id);
    await this.audit.record({
      action: 'identity.key_retired', outcome: 'success', actor: context.actor ?? null, subject: identity.id,
      reason: `key ${input.thumbprint}`, requestId: context.requestId ?? null, clientIp: context.clientIp ?? null,
    });
    return ok(updated.value);
  }
}

import { domainError, err, ok, type DomainError, type Result, type UserIdentity } from '@titan/domain';
import type { AuditLog } from '../ports/audit-log.port';
import type { Clock } from '../ports/clock.port';
import type { IdentityRepository } from '../ports/identity-repository.port';
import type { IdentityReader } from '../identity-reader/identity-reader';
import type { RequestContext } from '../shared/request-context';

const MAX_REASON_LENGTH = 500;

/** Revokes an identity: no new challenge or token for it, its tokens stop working (PRODUCT.md section 3). */
export class RevokeIdentityUseCase {
  constructor(
    private readonly identities: IdentityRepository,
    private readonly reader: IdentityReader,
    private readonly clock: Clock,
    private readonly audit: AuditLog,
  ) {}

  async execute(input: { id: string; reason: string }, context: RequestContext = {}): Promise<Result<UserIdentity, DomainError>> {
    if (input.reason.length === 0 || input.reason.length > MAX_REASON_LENGTH) {
      return err(domainError('invalid_request', `reason must be 1 to ${MAX_REASON_LENGTH} characters`));
    }
    const identity = await this.identities.findById(input.id);
    if (!identity) return err(domainError('identity_not_found', `no identity "${input.id}"`));
    const revoked = identity.revoke(input.reason, this.clock.now());
    if (!revoked.ok) return revoked;
    const saved = await this.identities.update(revoked.value);
    if (!saved.ok) return saved;
    await this.reader.changed(identity.id);
    await this.audit.record({
      action: 'identity.revoked', outcome: 'success', actor: context.actor ?? null, subject: identity.id,
      reason: input.reason, requestId: context.requestId ?? null, clientIp: context.clientIp ?? null,
    });
    return ok(revoked.value);
  }
}

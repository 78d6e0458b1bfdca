import { domainError, err, ok, type DomainError, type Result, type UserIdentity } from '@titan/domain';
import type { AuditLog } from '../ports/audit-log.port';
import type { Clock } from '../ports/clock.port';
import type { Digest } from '../ports/digest.port';
import type { IdentityRepository } from '../ports/identity-repository.port';
import type { IdentityReader } from '../identity-reader/identity-reader';
import { enrolKey } from '../shared/enrol-key';
import type { RequestContext } from '../shared/request-context';

/** Adds a public key to an identity, the first half of a key rotation. */
export class AddIdentityKeyUseCase {
  constructor(
    private readonly identities: IdentityRepository,
    private readonly reader: IdentityReader,
    private readonly digest: Digest,
    private readonly clock: Clock,
    private readonly audit: AuditLog,
  ) {}

  async execute(input: { id: string; publicKey: unknown }, context: RequestContext = {}): Promise<Result<UserIdentity, DomainError>> {
    const key = enrolKey(input.publicKey, this.digest, this.clock.now());
    if (!key.ok) return key;
    const identity = await this.identities.findById(input.id);
    if (!identity) return err(domainError('identity_not_found', `no identity "${input.id}"`));
    const updated = identity.addKey(key.value);
    if (!updated.ok) return updated;
    const saved = await this.identities.update(updated.value);
    if (!saved.ok) return saved;
    await this.reader.changed(identity.id);
    await this.audit.record({
      action: 'identity.key_added', outcome: 'success', actor: context.actor ?? null, subject: identity.id,
      reason: `key ${key.value.thumbprint}`, requestId: context.requestId ?? null, clientIp: context.clientIp ?? null,
    });
    return ok(updated.value);
  }
}

import {
  UserIdentity, ok, parseAudienceList, parseRegistrableIdentityId,
  parseScopeList, type DomainError, type Result,
} from '@titan/domain';
import type { AuditLog } from '../ports/audit-log.port';
import type { Clock } from '../ports/clock.port';
import type { Digest } from '../ports/digest.port';
import type { IdentityRepository } from '../ports/identity-repository.port';
import { enrolKey } from '../shared/enrol-key';
import type { RequestContext } from '../shared/request-context';

export interface RegisterIdentityInput {
  readonly id: unknown;
  readonly publicKey: unknown;
  readonly scopes?: readonly unknown[];
  readonly audiences?: readonly unknown[];
}

/** Registers a service identity with its first public key (PRODUCT.md section 3). */
export class RegisterIdentityUseCase {
  constructor(
    private readonly identities: IdentityRepository,
    private readonly digest: Digest,
    private readonly clock: Clock,
    private readonly audit: AuditLog,
  ) {}

  async execute(input: RegisterIdentityInput, context: RequestContext = {}): Promise<Result<UserIdentity, DomainError>> {
    const id = parseRegistrableIdentityId(input.id);
    if (!id.ok) return id;
    const scopes = parseScopeList(input.scopes ?? []);
    if (!scopes.ok) return scopes;
    const audiences = parseAudienceList(input.audiences ?? []);
    if (!audiences.ok) return audiences;
    const now = this.clock.now();
    const key = enrolKey(input.publicKey, this.digest, now);
    if (!key.ok) return key;

    const identity = UserIdentity.register({
      id: id.value, key: key.value, scopes: scopes.value, audiences: audiences.value, clientSecretHash: null, now,
    });
    const created = await this.identities.create(identity);
    if (!created.ok) return created;
    await this.audit.record({
      action: 'identity.registered', outcome: 'success', actor: context.actor ?? null, subject: identity.id,
      reason: `key ${key.value.thumbprint}`, requestId: context.requestId ?? null, clientIp: context.clientIp ?? null,
    });
    return ok(identity);
  }
}

import { domainError, err, type DomainError, type Result, type UserIdentity } from '@titan/domain';
import type { Clock } from '../ports/clock.port';
import type { IdentityRepository } from '../ports/identity-repository.port';
import type { IdentityReader } from '../identity-reader/identity-reader';
import { changeIdentity, type IdentityChangeDeps } from '../shared/change-identity';
import type { RequestContext } from '../shared/request-context';

const MAX_REASON_LENGTH = 500;

/** Revokes an identity: no new challenge or token for it, its tokens stop working (PRODUCT.md section 3). */
export class RevokeIdentityUseCase {
  private readonly changes: IdentityChangeDeps;

  constructor(
    identities: IdentityRepository,
    reader: IdentityReader,
    private readonly clock: Clock,
  ) {
    this.changes = { identities, reader };
  }

  async execute(input: { id: string; reason: string }, context: RequestContext = {}): Promise<Result<UserIdentity, DomainError>> {
    if (input.reason.length === 0 || input.reason.length > MAX_REASON_LENGTH) {
      return err(domainError('invalid_request', `reason must be 1 to ${MAX_REASON_LENGTH} characters`));
    }
    return changeIdentity(this.changes, input.id, (identity) => identity.revoke(input.reason, this.clock.now()),
      { action: 'identity.revoked', reason: input.reason }, context);
  }
}

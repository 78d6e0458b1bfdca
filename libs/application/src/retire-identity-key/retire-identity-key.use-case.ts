import type { DomainError, Result, UserIdentity } from '@titan/domain';
import type { IdentityRepository } from '../ports/identity-repository.port';
import type { IdentityReader } from '../identity-reader/identity-reader';
import { changeIdentity, type IdentityChangeDeps } from '../shared/change-identity';
import type { RequestContext } from '../shared/request-context';

/** Retires one key of an identity; the last key cannot be retired. */
export class RetireIdentityKeyUseCase {
  private readonly changes: IdentityChangeDeps;

  constructor(identities: IdentityRepository, reader: IdentityReader) {
    this.changes = { identities, reader };
  }

  execute(input: { id: string; thumbprint: string }, context: RequestContext = {}): Promise<Result<UserIdentity, DomainError>> {
    return changeIdentity(this.changes, input.id, (identity) => identity.retireKey(input.thumbprint),
      { action: 'identity.key_retired', reason: `key ${input.thumbprint}` }, context);
  }
}

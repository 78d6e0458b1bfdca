import { domainError, err, ok, type DomainError, type Result, type UserIdentity } from '@titan/domain';
import type { IdentityRepository, Page } from '../ports/identity-repository.port';

export class GetIdentityUseCase {
  constructor(private readonly identities: IdentityRepository) {}

  async execute(id: string): Promise<Result<UserIdentity, DomainError>> {
    const identity = await this.identities.findById(id);
    return identity ? ok(identity) : err(domainError('identity_not_found', `no identity "${id}"`));
  }
}

export class ListIdentitiesUseCase {
  constructor(private readonly identities: IdentityRepository) {}

  execute(input: { limit: number; cursor: string | null }): Promise<Result<Page<UserIdentity>, DomainError>> {
    return this.identities.list(input.limit, input.cursor);
  }
}

import type { DomainError, Result, UserIdentity } from '@titan/domain';
import type { Clock } from '../ports/clock.port';
import type { Digest } from '../ports/digest.port';
import type { IdentityRepository } from '../ports/identity-repository.port';
import type { IdentityReader } from '../identity-reader/identity-reader';
import { changeIdentity, type IdentityChangeDeps } from '../shared/change-identity';
import { enrolKey } from '../shared/enrol-key';
import type { RequestContext } from '../shared/request-context';

/** Adds a public key to an identity, the first half of a key rotation. */
export class AddIdentityKeyUseCase {
  private readonly changes: IdentityChangeDeps;

  constructor(
    identities: IdentityRepository,
    reader: IdentityReader,
    private readonly digest: Digest,
    private readonly clock: Clock,
  ) {
    this.changes = { identities, reader };
  }

  async execute(input: { id: string; publicKey: unknown }, context: RequestContext = {}): Promise<Result<UserIdentity, DomainError>> {
    const key = enrolKey(input.publicKey, this.digest, this.clock.now());
    if (!key.ok) return key;
    return changeIdentity(this.changes, input.id, (identity) => identity.addKey(key.value),
      { action: 'identity.key_added', reason: `key ${key.value.thumbprint}` }, context);
  }
}

import {
  UserIdentity, ok, parseAudienceList, parseRegistrableIdentityId,
  parseScopeList, type DomainError, type Result,
} from '@titan/domain';
import type { Clock } from '../ports/clock.port';
import type { Digest } from '../ports/digest.port';
import type { IdentityRepository } from '../ports/identity-repository.port';
import { enrolKey } from '../shared/enrol-key';
import { identityAuditEvent } from '../shared/change-identity';
import type { RequestContext } from '../shared/request-context';
import type { ClientSecrets } from '../client-authentication/client-secret';

export interface RegisterIdentityInput {
  readonly id: unknown;
  readonly publicKey: unknown;
  readonly scopes?: readonly unknown[];
  readonly audiences?: readonly unknown[];
  /** Legacy clients: also give the identity a client secret (returned once, stored as a keyed hash). */
  readonly secret?: boolean;
}

export interface RegisteredIdentity {
  readonly identity: UserIdentity;
  /** The client secret, present only when `secret: true` was asked; never retrievable again. */
  readonly clientSecret: string | null;
}

/** Registers a service identity with its first public key (PRODUCT.md section 3). */
export class RegisterIdentityUseCase {
  constructor(
    private readonly identities: IdentityRepository,
    private readonly digest: Digest,
    private readonly clock: Clock,
    private readonly secrets?: ClientSecrets,
  ) {}

  async execute(input: RegisterIdentityInput, context: RequestContext = {}): Promise<Result<RegisteredIdentity, DomainError>> {
    const id = parseRegistrableIdentityId(input.id);
    if (!id.ok) return id;
    const scopes = parseScopeList(input.scopes ?? []);
    if (!scopes.ok) return scopes;
    const audiences = parseAudienceList(input.audiences ?? []);
    if (!audiences.ok) return audiences;
    const now = this.clock.now();
    const key = enrolKey(input.publicKey, this.digest, now);
    if (!key.ok) return key;
    if (input.secret === true && !this.secrets) throw new Error('RegisterIdentityUseCase: client secrets are not wired');
    const secret = input.secret === true ? this.secrets!.generate() : null;

    const identity = UserIdentity.register({
      id: id.value, key: key.value, scopes: scopes.value, audiences: audiences.value, clientSecretHash: secret?.storedHash ?? null, now,
    });
    const created = await this.identities.create(identity, identityAuditEvent(
      'identity.registered', identity.id, `key ${key.value.thumbprint}${secret ? ', with client secret' : ''}`, context,
    ));
    if (!created.ok) return created;
    return ok({ identity, clientSecret: secret?.secret ?? null });
  }
}

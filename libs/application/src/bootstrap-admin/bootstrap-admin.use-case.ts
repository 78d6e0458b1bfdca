import { ADMIN_IDENTITY_ID, ADMIN_SCOPE, INTROSPECT_SCOPE, UserIdentity, ok, type DomainError, type Result } from '@titan/domain';
import type { Clock } from '../ports/clock.port';
import type { Digest } from '../ports/digest.port';
import type { IdentityRepository } from '../ports/identity-repository.port';
import { enrolKey } from '../shared/enrol-key';

export type BootstrapOutcome = 'created' | 'already_present';

/**
 * Creates the first administrator (`admin`, scopes `titan:admin titan:introspect`) from a public JWK,
 * unless one exists: an existing admin is never replaced.
 */
export class BootstrapAdminUseCase {
  constructor(
    private readonly identities: IdentityRepository,
    private readonly digest: Digest,
    private readonly clock: Clock,
  ) {}

  async execute(publicKey: unknown, actor: string): Promise<Result<BootstrapOutcome, DomainError>> {
    const now = this.clock.now();
    const key = enrolKey(publicKey, this.digest, now);
    if (!key.ok) return key;
    if (await this.identities.findById(ADMIN_IDENTITY_ID)) return ok('already_present');
    const admin = UserIdentity.register({
      id: ADMIN_IDENTITY_ID, key: key.value, scopes: [ADMIN_SCOPE, INTROSPECT_SCOPE], audiences: [], clientSecretHash: null, now,
    });
    const created = await this.identities.create(admin, {
      action: 'admin.bootstrapped', outcome: 'success', actor, subject: ADMIN_IDENTITY_ID, reason: `key ${key.value.thumbprint}`,
    });
    if (!created.ok) {
      // Another instance bootstrapped at the same moment: that admin stands.
      return created.error.code === 'identity_exists' ? ok('already_present') : created;
    }
    return ok('created');
  }
}

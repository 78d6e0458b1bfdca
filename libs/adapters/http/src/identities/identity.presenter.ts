import type { UserIdentity } from '@titan/domain';
import type { IdentityView } from './identity.dto';

/** The wire shape of an identity (PRODUCT.md section 3); a key's thumbprint is also its `kid`. */
export function presentIdentity(identity: UserIdentity): IdentityView {
  return {
    id: identity.id,
    status: identity.status,
    keys: identity.keys.map((key) => ({
      thumbprint: key.thumbprint,
      jwk: { ...key.jwk, kid: key.thumbprint },
      createdAt: key.createdAt.toISOString(),
    })),
    scopes: [...identity.scopes],
    audiences: [...identity.audiences],
    createdAt: identity.createdAt.toISOString(),
    revokedAt: identity.revokedAt?.toISOString() ?? null,
    revocationReason: identity.revocationReason,
  };
}

import type { EcPublicJwk, IdentityStatus } from '@titan/domain';

/** A row of `identities`. */
export interface IdentityRecord {
  readonly id: string;
  readonly status: IdentityStatus;
  readonly scopes: string[];
  readonly audiences: string[];
  readonly client_secret_hash: string | null;
  readonly created_at: Date;
  readonly revoked_at: Date | null;
  readonly revocation_reason: string | null;
}

/** A row of `identity_keys`; retired rows stay forever so a thumbprint is never reused. */
export interface IdentityKeyRecord {
  readonly thumbprint: string;
  readonly identity_id: string;
  readonly jwk: EcPublicJwk;
  readonly created_at: Date;
  readonly retired_at: Date | null;
}

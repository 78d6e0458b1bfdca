import type { EcPublicJwk } from './ec-public-jwk';

/** A public key enrolled for an identity, known by its RFC 7638 thumbprint (also its `kid`). */
export interface IdentityKey {
  readonly thumbprint: string;
  readonly jwk: EcPublicJwk;
  readonly createdAt: Date;
}

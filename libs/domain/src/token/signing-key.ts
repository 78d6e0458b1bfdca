/** Lifecycle of a token-signing key: published first, then signing, then published until its tokens expire. */
export type SigningKeyState = 'next' | 'active' | 'retired';

export type SigningAlgorithm = 'ES256' | 'RS256';

/** The public face of a signing key; the private half never leaves the CA adapter. */
export interface SigningKey {
  readonly kid: string;
  readonly alg: SigningAlgorithm;
  readonly state: SigningKeyState;
  /** Public JWK as published in the JWKS (with `kid`, `alg`, `use`). */
  readonly publicJwk: Readonly<Record<string, string>>;
  readonly createdAt: Date;
  readonly activatedAt: Date | null;
  readonly retiredAt: Date | null;
}

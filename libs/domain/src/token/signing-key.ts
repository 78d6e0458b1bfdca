/**
 * Lifecycle of a token-signing key: published first (`next`), then signing (`active`), then
 * published until its last token has expired (`retired`), then `removed`. `revoked` is the
 * emergency exit: unpublished at once, whatever the state it was in.
 */
export type SigningKeyState = 'next' | 'active' | 'retired' | 'removed' | 'revoked';

/** States whose key is in the JWKS (and trusted by Titan's own verifier). */
export const PUBLISHED_SIGNING_KEY_STATES: readonly SigningKeyState[] = ['next', 'active', 'retired'];

export const isPublishedSigningKeyState = (state: SigningKeyState): boolean => PUBLISHED_SIGNING_KEY_STATES.includes(state);

export type SigningAlgorithm = 'ES256' | 'RS256';

export const SIGNING_ALGORITHMS: readonly SigningAlgorithm[] = ['ES256', 'RS256'];

/** The public face of a signing key; the private half never leaves the CA adapter. */
export interface SigningKey {
  readonly kid: string;
  readonly alg: SigningAlgorithm;
  readonly state: SigningKeyState;
  /** Public JWK as published in the JWKS (with `kid`, `alg`, `use`). */
  readonly publicJwk: Readonly<Record<string, string>>;
  /** When the key was created, which is when it was first published. */
  readonly createdAt: Date;
  /** A `next` key's planned activation (never before `createdAt` + the publication lead). */
  readonly activatesAt: Date | null;
  readonly activatedAt: Date | null;
  readonly retiredAt: Date | null;
  /** When the key left the JWKS (states `removed` and `revoked`). */
  readonly removedAt: Date | null;
}

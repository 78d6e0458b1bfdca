/** What a keyed hash is for; each purpose gets its own key derived from the server pepper. */
export type MacPurpose = 'client-secret' | 'dpop-nonce' | 'decoy-challenge';

/**
 * HMAC-SHA-256 under keys derived from the server pepper (`TITAN_SECRET_PEPPER`). Client secrets are
 * 256-bit random, so a keyed fast hash is enough (no slow password hash on the token path).
 */
export interface Mac {
  compute(purpose: MacPurpose, data: Uint8Array): Uint8Array;
  /** Constant-time check that `tag` is the MAC of `data`. */
  verify(purpose: MacPurpose, data: Uint8Array, tag: Uint8Array): boolean;
}
export const Mac = Symbol('Mac');

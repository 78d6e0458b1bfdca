import type { SigningAlgorithm, SigningKeyState } from '@titan/domain';

/** A row of `signing_keys`. */
export interface SigningKeyRecord {
  readonly kid: string;
  readonly alg: SigningAlgorithm;
  readonly state: SigningKeyState;
  readonly public_jwk: Record<string, string>;
  /** Empty once the key is removed or revoked. */
  readonly encrypted_private_key: string;
  readonly created_at: Date;
  readonly activates_at: Date | null;
  readonly activated_at: Date | null;
  readonly retired_at: Date | null;
  readonly removed_at: Date | null;
}

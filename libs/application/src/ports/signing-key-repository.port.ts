import type { SigningKey } from '@titan/domain';

/** A signing key as stored: public face plus the private key encrypted under the key-encryption key. */
export interface StoredSigningKey extends SigningKey {
  /** AES-256-GCM envelope of the private JWK; opaque to everything but the CA adapter. */
  readonly encryptedPrivateKey: string;
}

/** Durable store of Titan's own signing keys, shared by every instance. */
export interface SigningKeyRepository {
  /** Every key still published (states next, active, retired), oldest first. */
  list(): Promise<StoredSigningKey[]>;
  /**
   * Inserts a key. Returns false, changing nothing, when the key is `active` and another active key
   * of the same algorithm already exists: of several instances starting at once, exactly one wins.
   */
  insert(key: StoredSigningKey): Promise<boolean>;
  /** Saves a state change (activation, retirement). */
  update(key: StoredSigningKey): Promise<void>;
}
export const SigningKeyRepository = Symbol('SigningKeyRepository');

import type { SigningKey } from '@titan/domain';
import type { AuditEvent } from './audit-log.port';

/** A signing key as stored: public face plus the private key encrypted under the key-encryption key. */
export interface StoredSigningKey extends SigningKey {
  /**
   * AES-256-GCM envelope of the private JWK; opaque to everything but the CA adapter. Emptied
   * (`''`) when the key is removed or revoked: a key that can never sign again is not kept.
   */
  readonly encryptedPrivateKey: string;
}

/** What one atomic lifecycle step writes: new keys, and new versions of existing keys. */
export interface SigningKeyChanges<T> {
  readonly inserts: readonly StoredSigningKey[];
  readonly updates: readonly StoredSigningKey[];
  /** Handed back to the caller of `transact` once the changes are committed. */
  readonly result: T;
  /** Audit entries for these changes, appended in the same transaction (none if omitted). */
  readonly audit?: readonly AuditEvent[];
}

/** Durable store of Titan's own signing keys, shared by every instance. */
export interface SigningKeyRepository {
  /** Every key, in every state (removed and revoked ones too), oldest first. */
  list(): Promise<StoredSigningKey[]>;
  /**
   * Inserts a key. Returns false, changing nothing, when the key is `active` and another active key
   * of the same algorithm already exists: of several instances starting at once, exactly one wins.
   */
  insert(key: StoredSigningKey): Promise<boolean>;
  /** Saves a state change (activation, retirement). */
  update(key: StoredSigningKey): Promise<void>;
  /**
   * Reads every key and saves what `decide` makes of them, atomically and serialised with every
   * other `transact` on the same store, across instances: each call decides on the outcome of the
   * ones before it, so of several instances rotating at once exactly one makes each change.
   * Keys leaving `active` are saved before keys entering it. `decide` must not use the repository.
   */
  transact<T>(decide: (keys: readonly StoredSigningKey[]) => Promise<SigningKeyChanges<T>>): Promise<T>;
}
export const SigningKeyRepository = Symbol('SigningKeyRepository');

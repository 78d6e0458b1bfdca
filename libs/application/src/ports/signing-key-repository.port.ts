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
   * Reads every key and saves what `decide` makes of them, atomically and serialised with every
   * other `transact` on the same store, across instances: each call decides on the outcome of the
   * ones before it, so of several instances starting or rotating at once exactly one makes each change.
   * Keys leaving `active` are saved before keys entering it. Rejects, saving nothing, when the
   * changes would leave two active keys of one algorithm or reuse a kid. `decide` must not use the
   * repository.
   */
  transact<T>(decide: (keys: readonly StoredSigningKey[]) => Promise<SigningKeyChanges<T>>): Promise<T>;
}
export const SigningKeyRepository = Symbol('SigningKeyRepository');

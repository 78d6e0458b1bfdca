import type { DomainError, Result, UserIdentity } from '@titan/domain';
import type { AuditEvent } from './audit-log.port';

export interface Page<T> {
  readonly items: readonly T[];
  readonly nextCursor: string | null;
}

/**
 * Durable store of identities and their keys. Uniqueness of ids (including revoked ones) and of key
 * thumbprints across all identities is enforced by the store, atomically. Every change is written
 * together with its audit entry, in one transaction: a refused or failed change leaves no entry, a
 * committed one always has its entry (PRODUCT.md section 9).
 */
export interface IdentityRepository {
  /** `identity_exists` if the id was ever used; `key_in_use` if a key belongs to any identity. */
  create(identity: UserIdentity, audit: AuditEvent): Promise<Result<void, DomainError>>;
  /** Persists status, keys and allowed sets; `key_in_use` if an added key belongs to another identity. */
  update(identity: UserIdentity, audit: AuditEvent): Promise<Result<void, DomainError>>;
  findById(id: string): Promise<UserIdentity | null>;
  /** Ordered by id; `cursor` is the opaque `nextCursor` of the previous page (`invalid_request` if it is not one). */
  list(limit: number, cursor: string | null): Promise<Result<Page<UserIdentity>, DomainError>>;
}
export const IdentityRepository = Symbol('IdentityRepository');

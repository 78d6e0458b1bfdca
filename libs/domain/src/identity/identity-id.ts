import { domainError, type DomainError } from '../shared/domain-error';
import { err, ok, type Result } from '../shared/result';

const IDENTITY_ID = /^[a-z0-9][a-z0-9._-]{1,62}$/;

/** The id of the first administrator, created only by bootstrap. */
export const ADMIN_IDENTITY_ID = 'admin';

export function isWellFormedIdentityId(id: unknown): id is string {
  return typeof id === 'string' && IDENTITY_ID.test(id);
}

/** Ids a caller may choose at registration: well formed and not reserved (`admin`, `titan*`). */
export function parseRegistrableIdentityId(id: unknown): Result<string, DomainError> {
  if (!isWellFormedIdentityId(id)) {
    return err(domainError('invalid_request', 'id must match ^[a-z0-9][a-z0-9._-]{1,62}$'));
  }
  if (id === ADMIN_IDENTITY_ID || id.startsWith('titan')) {
    return err(domainError('reserved_identity_id', `id "${id}" is reserved`));
  }
  return ok(id);
}

import { domainError, type DomainError } from '../shared/domain-error';
import { err, ok, type Result } from '../shared/result';

const SCOPE_NAME = /^[a-z0-9][a-z0-9:._/-]{0,127}$/;

/** Scopes that grant power over Titan itself. */
export const ADMIN_SCOPE = 'titan:admin';
export const INTROSPECT_SCOPE = 'titan:introspect';

export function isValidScopeName(name: unknown): name is string {
  return typeof name === 'string' && SCOPE_NAME.test(name);
}

/** Validates a list of scope names and removes duplicates, keeping the caller's order. */
export function parseScopeList(names: readonly unknown[]): Result<string[], DomainError> {
  for (const name of names) {
    if (!isValidScopeName(name)) {
      return err(domainError('invalid_request', 'each scope must match ^[a-z0-9][a-z0-9:._/-]{0,127}$'));
    }
  }
  return ok([...new Set(names as string[])]);
}

/** Parses an OAuth-style space-separated scope string (RFC 6749 section 3.3). */
export function parseScopeString(scope: string): Result<string[], DomainError> {
  if (scope.trim() === '') return err(domainError('invalid_request', 'scope must not be empty'));
  return parseScopeList(scope.split(' ').filter((s) => s !== ''));
}

export const formatScope = (scopes: readonly string[]): string => scopes.join(' ');

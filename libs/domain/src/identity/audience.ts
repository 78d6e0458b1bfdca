import { domainError, type DomainError } from '../shared/domain-error';
import { err, ok, type Result } from '../shared/result';

const VISIBLE_ASCII = /^[\x21-\x7e]{1,255}$/;

/** An audience is one string of 1 to 255 visible ASCII characters. */
export function parseAudience(value: unknown): Result<string, DomainError> {
  if (typeof value !== 'string' || !VISIBLE_ASCII.test(value)) {
    return err(domainError('invalid_request', 'audience must be 1 to 255 visible ASCII characters'));
  }
  return ok(value);
}

export function parseAudienceList(values: readonly unknown[]): Result<string[], DomainError> {
  for (const value of values) {
    const parsed = parseAudience(value);
    if (!parsed.ok) return parsed;
  }
  return ok([...new Set(values as string[])]);
}

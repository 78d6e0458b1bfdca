import { decodeBase64Url } from '../shared/base64url';
import { domainError, type DomainError } from '../shared/domain-error';
import { err, ok, type Result } from '../shared/result';

/** A compact JWS split and decoded, nothing verified yet. */
export interface CompactJws {
  readonly header: Readonly<Record<string, unknown>>;
  readonly payload: Readonly<Record<string, unknown>>;
  /** ASCII bytes of `{header}.{payload}` exactly as received: what the signature covers. */
  readonly signingInput: Uint8Array;
  readonly signature: Uint8Array;
}

/** Header members that would let a JWS choose its own key or extend processing rules (RFC 8725 section 3.10). */
export const KEY_SELECTING_HEADER_MEMBERS = ['jku', 'x5u', 'x5c', 'crit'] as const;

const decoder = new TextDecoder('utf-8', { fatal: true });
const encoder = new TextEncoder();

function decodeJsonObject(part: string): Record<string, unknown> | null {
  const bytes = decodeBase64Url(part);
  if (!bytes.ok) return null;
  try {
    const value: unknown = JSON.parse(decoder.decode(bytes.value));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/**
 * Splits a compact JWS (RFC 7515 section 7.1) strictly: three canonical base64url parts, JSON
 * objects for header and payload. `what` names the JWS in error messages ("client_assertion").
 * The caller checks `alg` and the signature length for its algorithm.
 */
export function parseCompactJws(text: string, maxLength: number, what: string): Result<CompactJws, DomainError> {
  const malformed = err(domainError('invalid_request', `${what} is not a compact JWS`));
  if (typeof text !== 'string' || text.length === 0 || text.length > maxLength) return malformed;
  const parts = text.split('.');
  if (parts.length !== 3) return malformed;
  const header = decodeJsonObject(parts[0]!);
  const payload = decodeJsonObject(parts[1]!);
  const signature = decodeBase64Url(parts[2]!);
  if (!header || !payload || !signature.ok) return malformed;
  return ok({ header, payload, signingInput: encoder.encode(`${parts[0]}.${parts[1]}`), signature: signature.value });
}

/** Seconds since the epoch of a `Date`, as JWT time claims are written. */
export const epochSeconds = (date: Date): number => Math.floor(date.getTime() / 1000);

/** A JWT NumericDate claim: a finite number, or undefined when absent. */
export function numericDate(payload: Readonly<Record<string, unknown>>, name: string): number | undefined | null {
  const value = payload[name];
  if (value === undefined) return undefined;
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

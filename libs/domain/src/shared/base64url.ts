import { err, ok, type Result } from './result';
import { domainError, type DomainError } from './domain-error';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const LOOKUP = new Map<string, number>([...ALPHABET].map((c, i) => [c, i]));
const CANONICAL_SHAPE = /^[A-Za-z0-9_-]*$/;

/** Unpadded base64url (RFC 4648 section 5) without depending on Buffer, so browsers can use it. */
export function encodeBase64Url(bytes: Uint8Array): string {
  let out = '';
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out += ALPHABET[n >> 18]! + ALPHABET[(n >> 12) & 63]! + ALPHABET[(n >> 6) & 63]! + ALPHABET[n & 63]!;
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const n = bytes[i]! << 16;
    out += ALPHABET[n >> 18]! + ALPHABET[(n >> 12) & 63]!;
  } else if (rest === 2) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8);
    out += ALPHABET[n >> 18]! + ALPHABET[(n >> 12) & 63]! + ALPHABET[(n >> 6) & 63]!;
  }
  return out;
}

/**
 * Strict decoder: no padding, no whitespace, no characters outside the URL-safe alphabet,
 * and no non-zero trailing bits (so every byte string has exactly one accepted encoding).
 */
export function decodeBase64Url(text: string): Result<Uint8Array, DomainError> {
  const invalid = err(domainError('invalid_request', 'value is not canonical unpadded base64url'));
  if (!CANONICAL_SHAPE.test(text) || text.length % 4 === 1) return invalid;
  const out = new Uint8Array(Math.floor((text.length * 3) / 4));
  let buffer = 0;
  let bits = 0;
  let o = 0;
  for (const c of text) {
    buffer = (buffer << 6) | LOOKUP.get(c)!;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (buffer >> bits) & 0xff;
    }
  }
  if ((buffer & ((1 << bits) - 1)) !== 0) return invalid;
  return ok(out);
}

/** Decodes and requires an exact length in bytes. */
export function decodeBase64UrlOfLength(text: string, length: number, what: string): Result<Uint8Array, DomainError> {
  const decoded = decodeBase64Url(text);
  if (!decoded.ok) return err(domainError('invalid_request', `${what} is not canonical unpadded base64url`));
  if (decoded.value.length !== length) return err(domainError('invalid_request', `${what} must be ${length} bytes`));
  return decoded;
}

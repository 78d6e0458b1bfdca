import { isWellFormedP1363, P1363_SIGNATURE_BYTES, P256_SCALAR_BYTES } from './ecdsa-p256';

const SEQUENCE = 0x30;
const INTEGER = 0x02;
// SEQUENCE { INTEGER r, INTEGER s } with each INTEGER at most 33 content bytes: 2 + 2 * (2 + 33) = 72,
// so every valid P-256 signature fits short-form lengths (< 128) and a long form is never minimal.
const MAX_SHORT_LENGTH = 0x7f;

/** Reads one DER INTEGER holding a positive scalar; returns its 32-byte big-endian value and the next offset. */
function readScalar(der: Uint8Array, offset: number, end: number): { value: Uint8Array; next: number } | null {
  if (offset + 2 > end || der[offset] !== INTEGER) return null;
  const length = der[offset + 1]!;
  if (length === 0 || length > MAX_SHORT_LENGTH) return null; // empty or long-form length
  const start = offset + 2;
  const next = start + length;
  if (next > end) return null;
  const first = der[start]!;
  if (first & 0x80) return null; // negative
  if (first === 0x00 && (length === 1 || (der[start + 1]! & 0x80) === 0)) return null; // zero or needless padding
  const magnitude = first === 0x00 ? der.subarray(start + 1, next) : der.subarray(start, next);
  if (magnitude.length > P256_SCALAR_BYTES) return null;
  const value = new Uint8Array(P256_SCALAR_BYTES);
  value.set(magnitude, P256_SCALAR_BYTES - magnitude.length);
  return { value, next };
}

/**
 * Strict DER (X.690 section 10) ECDSA-Sig-Value to IEEE P1363 `r || s` for P-256. Returns null for
 * BER forms (long or indefinite lengths), non-minimal or negative integers, trailing bytes, and
 * r or s outside [1, n - 1]. Used where a DER signature must enter a P1363-only path (CLI, tests).
 */
export function derToP1363(der: Uint8Array): Uint8Array | null {
  if (der.length < 8 || der[0] !== SEQUENCE) return null;
  const length = der[1]!;
  if (length > MAX_SHORT_LENGTH || length !== der.length - 2) return null;
  const r = readScalar(der, 2, der.length);
  if (!r) return null;
  const s = readScalar(der, r.next, der.length);
  if (!s || s.next !== der.length) return null;
  const out = new Uint8Array(P1363_SIGNATURE_BYTES);
  out.set(r.value, 0);
  out.set(s.value, P256_SCALAR_BYTES);
  return isWellFormedP1363(out) ? out : null;
}

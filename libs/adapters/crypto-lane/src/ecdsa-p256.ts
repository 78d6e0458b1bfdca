/** Size of one P-256 scalar and of an IEEE P1363 (r || s) ES256 signature. */
export const P256_SCALAR_BYTES = 32;
export const P1363_SIGNATURE_BYTES = 64;

/** Order n of the P-256 base point (SEC 2, section 2.4.2), big-endian. */
export const P256_ORDER = Uint8Array.from(
  Buffer.from('ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551', 'hex'),
);

/** True when the 32 bytes at `offset` encode an integer in [1, n - 1]. */
function isScalarInRange(bytes: Uint8Array, offset: number): boolean {
  let nonZero = false;
  let comparison = 0; // sign of (value - n), decided by the first differing byte
  for (let i = 0; i < P256_SCALAR_BYTES; i++) {
    const byte = bytes[offset + i]!;
    if (byte !== 0) nonZero = true;
    if (comparison === 0 && byte !== P256_ORDER[i]!) comparison = byte < P256_ORDER[i]! ? -1 : 1;
  }
  return nonZero && comparison < 0;
}

/**
 * Cheap structural check of a P1363 signature before OpenSSL sees it: exactly 64 bytes and
 * 0 < r, s < n. Rejects the r = s = 0 class (CVE-2022-21449) on our side of the fence too.
 */
export function isWellFormedP1363(signature: Uint8Array): boolean {
  return (
    signature.length === P1363_SIGNATURE_BYTES &&
    isScalarInRange(signature, 0) &&
    isScalarInRange(signature, P256_SCALAR_BYTES)
  );
}

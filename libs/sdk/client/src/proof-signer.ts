/**
 * Signs a proof message for the Titan handshake: ECDSA P-256 with SHA-256, returning the IEEE P1363
 * form (`r || s`, exactly 64 bytes). Implementations exist for node:crypto, WebCrypto and
 * @noble/curves, so the client runs in Node, browsers and edge runtimes alike.
 *
 * @example
 * const signer: ProofSigner = { sign: async (message) => mySigningService.sign(message) };
 */
export interface ProofSigner {
  sign(message: Uint8Array): Promise<Uint8Array>;
}

/** Length of a P-256 signature in IEEE P1363 form. */
export const P1363_SIGNATURE_BYTES = 64;

/** Guards against a signer that returns DER or a truncated value: the server would only say `invalid_proof`. */
export function assertP1363(signature: Uint8Array): Uint8Array {
  if (signature.length !== P1363_SIGNATURE_BYTES) {
    throw new TypeError(`proof signer returned ${signature.length} bytes; an IEEE P1363 P-256 signature has 64`);
  }
  return signature;
}

/** SHA-256, used for RFC 7638 key thumbprints. */
export interface Digest {
  /** SHA-256 of the UTF-8 bytes of `input`, as unpadded base64url. */
  sha256Base64Url(input: string): string;
}
export const Digest = Symbol('Digest');

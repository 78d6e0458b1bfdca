import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';

export const KEY_ENCRYPTION_KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const FORMAT_VERSION = 'v1';
const B64URL = /^[A-Za-z0-9_-]+$/;

const b64u = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64url');
function unb64u(text: string | undefined): Buffer | null {
  if (text === undefined || !B64URL.test(text)) return null;
  const bytes = Buffer.from(text, 'base64url');
  return bytes.toString('base64url') === text ? bytes : null; // canonical only
}

/**
 * AES-256-GCM envelope for signing keys' private JWKs, bound to their kid (AAD) so an envelope
 * cannot be swapped onto another key's row. Compact, versioned string:
 * `v1.<kek id>.<iv>.<ciphertext>.<tag>` (base64url parts). The kek id (a keyed, truncated
 * fingerprint of the KEK, not a hash of it) makes a wrong KEK a clear error instead of a bare
 * authentication failure.
 */
export class KeyEncryption {
  private readonly kek: Buffer;
  /** Non-secret identifier of the key-encryption key. */
  readonly kekId: string;

  constructor(keyEncryptionKey: Uint8Array) {
    if (keyEncryptionKey.length !== KEY_ENCRYPTION_KEY_BYTES) {
      throw new Error(`the key-encryption key must be ${KEY_ENCRYPTION_KEY_BYTES} bytes`);
    }
    this.kek = Buffer.from(keyEncryptionKey);
    this.kekId = b64u(createHmac('sha256', this.kek).update('titan-kek-id-v1').digest().subarray(0, 6));
  }

  encrypt(kid: string, privateJwk: Readonly<Record<string, string>>): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.kek, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(Buffer.from(kid, 'utf8'));
    const ciphertext = Buffer.concat([cipher.update(JSON.stringify(privateJwk), 'utf8'), cipher.final()]);
    return [FORMAT_VERSION, this.kekId, b64u(iv), b64u(ciphertext), b64u(cipher.getAuthTag())].join('.');
  }

  /** Throws (naming the kid, never the contents) when the envelope is malformed, foreign or tampered. */
  decrypt(kid: string, envelope: string): Record<string, string> {
    const [version, kekId, ivText, ciphertextText, tagText, ...rest] = envelope.split('.');
    if (version !== FORMAT_VERSION || rest.length > 0) {
      throw new Error(`signing key ${kid}: unsupported private-key envelope format`);
    }
    if (kekId !== this.kekId) {
      throw new Error(`signing key ${kid} was encrypted under a different key-encryption key (TITAN_KEK or <data dir>/kek)`);
    }
    const iv = unb64u(ivText);
    const ciphertext = unb64u(ciphertextText);
    const tag = unb64u(tagText);
    if (!iv || iv.length !== IV_BYTES || !ciphertext || !tag || tag.length !== TAG_BYTES) {
      throw new Error(`signing key ${kid}: malformed private-key envelope`);
    }
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.kek, iv, { authTagLength: TAG_BYTES });
      decipher.setAAD(Buffer.from(kid, 'utf8'));
      decipher.setAuthTag(tag);
      const plaintext = Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString('utf8');
      const jwk: unknown = JSON.parse(plaintext);
      if (typeof jwk !== 'object' || jwk === null || Array.isArray(jwk)) throw new Error('not a JWK');
      return jwk as Record<string, string>;
    } catch {
      // Authentication failure: tampered data, another kid's envelope, or a different key.
      throw new Error(`signing key ${kid}: private key could not be decrypted (tampered or bound to another kid)`);
    }
  }
}

import { createPrivateKey, type KeyObject } from 'node:crypto';
import { CommandError } from '../cli-error';
import { assertP256 } from './p256';
import { readKeyFile } from './read-key-file';

/**
 * Loads a P-256 signing key from a private JWK (as `titan keygen` writes), a PEM (PKCS#8 or SEC 1)
 * or a DER PKCS#8 file.
 */
export function loadPrivateKey(path: string): KeyObject {
  const bytes = readKeyFile(path);
  const text = bytes.toString('utf8').trim();
  let key: KeyObject;
  try {
    if (text.startsWith('{')) {
      const jwk = JSON.parse(text) as Record<string, unknown>;
      if (typeof jwk['d'] !== 'string') throw new CommandError('not_a_private_key', `${path} is a public JWK; a private key (with "d") is needed to sign`);
      key = createPrivateKey({ key: jwk as never, format: 'jwk' });
    } else if (text.startsWith('-----BEGIN')) {
      key = createPrivateKey(text);
    } else {
      key = createPrivateKey({ key: bytes, format: 'der', type: 'pkcs8' });
    }
  } catch (e) {
    if (e instanceof CommandError) throw e;
    // Parser messages can quote input; ours never does.
    throw new CommandError('invalid_key_file', `${path} is not a readable private key (expected a JWK, PEM or DER PKCS#8)`);
  }
  assertP256(key, path);
  return key;
}

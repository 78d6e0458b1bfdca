import { createPublicKey, ECDH, type KeyObject } from 'node:crypto';
import { parseEcPublicJwk, type EcPublicJwk } from '@titan/domain';
import { CommandError } from '../cli-error';
import { assertP256 } from './p256';
import { readKeyFile } from './read-key-file';

/**
 * Loads a public key in any common form and returns the bare P-256 public JWK the API accepts:
 * a JWK (a private one has its `d` dropped here, never sent), a PEM or DER SPKI (compressed points
 * included), a PEM private key (its public half), or a raw SEC 1 point (binary or hex, 33 or 65 bytes).
 */
export function loadPublicJwk(path: string): EcPublicJwk {
  const bytes = readKeyFile(path);
  const text = bytes.toString('utf8').trim();
  let key: KeyObject;
  if (text.startsWith('{')) {
    key = fromJwk(text, path);
  } else if (text.startsWith('-----BEGIN')) {
    key = parse(path, () => createPublicKey(text));
  } else {
    const point = rawPoint(bytes, text);
    key = point
      ? parse(path, () => fromPoint(point))
      : parse(path, () => createPublicKey({ key: bytes, format: 'der', type: 'spki' }));
  }
  assertP256(key, path);
  const jwk = key.export({ format: 'jwk' });
  const parsed = parseEcPublicJwk({ kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y });
  if (!parsed.ok) throw new CommandError(parsed.error.code, `${path}: ${parsed.error.message}`);
  return parsed.value;
}

function parse(path: string, load: () => KeyObject): KeyObject {
  try {
    return load();
  } catch {
    throw new CommandError('invalid_key_file', `${path} is not a readable public key (expected a JWK, PEM or DER SPKI, or an EC point)`);
  }
}

function fromJwk(text: string, path: string): KeyObject {
  let jwk: Record<string, unknown>;
  try {
    jwk = JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw new CommandError('invalid_key_file', `${path} is not valid JSON`);
  }
  if (jwk['kty'] !== 'EC' || jwk['crv'] !== 'P-256') {
    const found = jwk['kty'] === 'EC' ? `EC ${String(jwk['crv'])}` : String(jwk['kty']);
    throw new CommandError('unsupported_key', `${path} holds a ${found} key; Titan identity keys are EC P-256`);
  }
  // Only the public members go further: a private JWK's "d" is dropped right here.
  return parse(path, () => createPublicKey({ key: { kty: 'EC', crv: 'P-256', x: jwk['x'], y: jwk['y'] } as never, format: 'jwk' }));
}

function rawPoint(bytes: Buffer, text: string): Buffer | undefined {
  const isPoint = (b: Buffer) => (b.length === 33 && (b[0] === 2 || b[0] === 3)) || (b.length === 65 && b[0] === 4);
  if (isPoint(bytes)) return bytes;
  if (/^(0x)?[0-9a-fA-F]+$/.test(text)) {
    const hex = Buffer.from(text.replace(/^0x/, ''), 'hex');
    if (isPoint(hex)) return hex;
  }
  return undefined;
}

function fromPoint(point: Buffer): KeyObject {
  const uncompressed = ECDH.convertKey(point, 'prime256v1', undefined, undefined, 'uncompressed') as Buffer;
  const b64 = (b: Buffer) => b.toString('base64url');
  return createPublicKey({
    key: { kty: 'EC', crv: 'P-256', x: b64(uncompressed.subarray(1, 33)), y: b64(uncompressed.subarray(33, 65)) },
    format: 'jwk',
  });
}

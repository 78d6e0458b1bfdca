import type { JsonWebKey, KeyObject } from 'node:crypto';
import type { ProofSigner } from './proof-signer';

type NodeCrypto = typeof import('node:crypto');

// Looked up at run time rather than imported, so bundles for browsers and edge runtimes that never
// construct this signer do not pull in node:crypto.
function nodeCrypto(): NodeCrypto {
  const get = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process?.getBuiltinModule;
  if (typeof get !== 'function') {
    throw new TypeError('NodeKeySigner needs node:crypto (Node >= 20.16); use WebCryptoSigner or NobleSigner here');
  }
  return get('node:crypto') as NodeCrypto;
}

/**
 * Signs with a P-256 private key held by node:crypto (a private JWK or a `KeyObject`).
 * The key never leaves the process and is never included in an error message.
 *
 * @example
 * const signer = new NodeKeySigner(JSON.parse(readFileSync('service.jwk', 'utf8')));
 */
export class NodeKeySigner implements ProofSigner {
  private readonly key: KeyObject;
  private readonly crypto: NodeCrypto;

  constructor(privateKey: JsonWebKey | KeyObject) {
    this.crypto = nodeCrypto();
    this.key = toP256PrivateKey(this.crypto, privateKey);
  }

  async sign(message: Uint8Array): Promise<Uint8Array> {
    const signature = this.crypto.sign('sha256', message, { key: this.key, dsaEncoding: 'ieee-p1363' });
    return new Uint8Array(signature.buffer, signature.byteOffset, signature.byteLength);
  }
}

const NOT_P256 = 'privateKey must be an EC P-256 private key (a JWK with "d", or a private KeyObject)';

function toP256PrivateKey(crypto: NodeCrypto, input: JsonWebKey | KeyObject): KeyObject {
  let key: KeyObject;
  if (input instanceof crypto.KeyObject) {
    key = input;
  } else {
    if (typeof input !== 'object' || input === null || typeof input.d !== 'string') throw new TypeError(NOT_P256);
    try {
      key = crypto.createPrivateKey({ key: input, format: 'jwk' });
    } catch {
      // The underlying message may describe the input; ours never does.
      throw new TypeError(NOT_P256);
    }
  }
  if (key.type !== 'private' || key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    throw new TypeError(NOT_P256);
  }
  return key;
}

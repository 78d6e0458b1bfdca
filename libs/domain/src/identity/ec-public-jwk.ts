import { decodeBase64Url } from '../shared/base64url';
import { domainError, type DomainError } from '../shared/domain-error';
import { err, ok, type Result } from '../shared/result';

/** The members of a P-256 public key that Titan keeps; everything else is dropped after checks. */
export interface EcPublicJwk {
  readonly kty: 'EC';
  readonly crv: 'P-256';
  readonly x: string;
  readonly y: string;
}

// NIST P-256 (SEC 2, section 2.4.2): y^2 = x^3 - 3x + b over GF(p).
const P = 0xffffffff00000001000000000000000000000000ffffffffffffffffffffffffn;
const B = 0x5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604bn;

const bytesToBigInt = (bytes: Uint8Array): bigint =>
  bytes.reduce((acc, byte) => (acc << 8n) | BigInt(byte), 0n);

function isOnCurve(x: bigint, y: bigint): boolean {
  if (x >= P || y >= P) return false;
  const lhs = (y * y) % P;
  const rhs = (((x * x) % P) * x - 3n * x + B) % P;
  return lhs === (rhs + P) % P;
}

const invalid = (message: string): Result<never, DomainError> => err(domainError('invalid_public_key', message));

/**
 * Accepts a JWK only if it is an EC P-256 public key whose point lies on the curve.
 * A key carrying private material (`d`) is refused with `private_key_exposed`: the caller must
 * treat that key as compromised. The refusal never echoes the key.
 */
export function parseEcPublicJwk(input: unknown): Result<EcPublicJwk, DomainError> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return invalid('publicKey must be a JWK object');
  }
  const jwk = input as Record<string, unknown>;
  if ('d' in jwk) {
    return err(
      domainError(
        'private_key_exposed',
        'publicKey contains private key material ("d"): that private key is now exposed and must be replaced; nothing was stored',
      ),
    );
  }
  if (jwk['kty'] !== 'EC') return invalid('publicKey must have kty "EC"');
  if (jwk['crv'] !== 'P-256') return invalid('publicKey must have crv "P-256"');
  if (jwk['alg'] !== undefined && jwk['alg'] !== 'ES256') return invalid('publicKey alg, when present, must be "ES256"');
  if (jwk['use'] !== undefined && jwk['use'] !== 'sig') return invalid('publicKey use, when present, must be "sig"');
  const keyOps = jwk['key_ops'];
  if (keyOps !== undefined && (!Array.isArray(keyOps) || !keyOps.includes('verify'))) {
    return invalid('publicKey key_ops, when present, must contain "verify"');
  }
  const x = typeof jwk['x'] === 'string' ? decodeBase64Url(jwk['x']) : undefined;
  const y = typeof jwk['y'] === 'string' ? decodeBase64Url(jwk['y']) : undefined;
  if (!x?.ok || !y?.ok || x.value.length !== 32 || y.value.length !== 32) {
    return invalid('publicKey x and y must each be 32 bytes of unpadded base64url');
  }
  if (!isOnCurve(bytesToBigInt(x.value), bytesToBigInt(y.value))) {
    return invalid('publicKey is not a point on P-256');
  }
  return ok({ kty: 'EC', crv: 'P-256', x: jwk['x'] as string, y: jwk['y'] as string });
}

/** RFC 7638 section 3.2: the required members in lexicographic order, no whitespace. */
export const thumbprintInput = (jwk: EcPublicJwk): string =>
  `{"crv":"${jwk.crv}","kty":"${jwk.kty}","x":"${jwk.x}","y":"${jwk.y}"}`;

import { createHash, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { thumbprintInput, type EcPublicJwk } from '@titan/domain';

export interface TestEcKey {
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  readonly jwk: EcPublicJwk;
  readonly privateJwk: Record<string, string>;
  readonly thumbprint: string;
}

export const thumbprintOf = (jwk: EcPublicJwk): string =>
  createHash('sha256').update(thumbprintInput(jwk)).digest('base64url');

/** Hex-encoded, possibly zero-prefixed affine coordinate to a 32-byte base64url JWK member. */
export function coordinate(hex: string): string {
  const bytes = Buffer.from(hex, 'hex');
  const trimmed = bytes.length > 32 ? bytes.subarray(bytes.length - 32) : bytes;
  const out = Buffer.alloc(32);
  trimmed.copy(out, 32 - trimmed.length);
  return out.toString('base64url');
}

export function ecKey(): TestEcKey {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const exported = privateKey.export({ format: 'jwk' }) as Record<string, string>;
  const jwk: EcPublicJwk = { kty: 'EC', crv: 'P-256', x: exported['x']!, y: exported['y']! };
  return { privateKey, publicKey, jwk, privateJwk: exported, thumbprint: thumbprintOf(jwk) };
}

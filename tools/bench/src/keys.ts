import { createPrivateKey, createPublicKey, generateKeyPairSync, randomUUID, sign, type KeyObject } from 'node:crypto';

export interface BenchKey {
  readonly privateKey: KeyObject;
  readonly publicJwk: { kty: string; crv: string; x: string; y: string };
}

export function newKey(): BenchKey {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const { kty, crv, x, y } = publicKey.export({ format: 'jwk' }) as Record<string, string>;
  return { privateKey, publicJwk: { kty: kty!, crv: crv!, x: x!, y: y! } };
}

export function keyFromPrivateJwk(jwk: Record<string, string>): BenchKey {
  const privateKey = createPrivateKey({ key: jwk, format: 'jwk' });
  const { kty, crv, x, y } = createPublicKey(privateKey).export({ format: 'jwk' }) as Record<string, string>;
  return { privateKey, publicJwk: { kty: kty!, crv: crv!, x: x!, y: y! } };
}

/** ECDSA P-256 / SHA-256, IEEE P1363 (r || s), base64url: what the native handshake expects. */
export const signP1363 = (key: KeyObject, text: string): string =>
  sign('sha256', Buffer.from(text, 'utf8'), { key, dsaEncoding: 'ieee-p1363' }).toString('base64url');

/** The native proof message (PRODUCT.md section 4). */
export const proofMessage = (issuer: string, identityId: string, challengeId: string, nonce: string): string =>
  `titan-pop-v1\n${issuer}\n${identityId}\n${challengeId}\n${nonce}`;

const b64uJson = (value: unknown): string => Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
const ASSERTION_HEADER = b64uJson({ alg: 'ES256', typ: 'JWT' });

/**
 * A `private_key_jwt` client assertion (RFC 7523 section 2.2): iss = sub = client id, aud = the token
 * endpoint, a fresh jti for every request, one minute of life.
 */
export function clientAssertion(key: KeyObject, clientId: string, audience: string): string {
  const now = Math.floor(Date.now() / 1000);
  const input = `${ASSERTION_HEADER}.${b64uJson({ iss: clientId, sub: clientId, aud: audience, jti: randomUUID(), iat: now, exp: now + 60 })}`;
  return `${input}.${signP1363(key, input)}`;
}

export const JWT_BEARER_ASSERTION = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

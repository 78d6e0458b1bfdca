import { createHash, generateKeyPair, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import type { SigningAlgorithm } from '@titan/domain';

const generate = promisify(generateKeyPair);
const RSA_BITS = 2048;

/** Public members Titan publishes, per key type; nothing else ever reaches a JWKS. */
export const PUBLIC_JWK_MEMBERS: Readonly<Record<string, readonly string[]>> = {
  EC: ['kty', 'crv', 'x', 'y'],
  RSA: ['kty', 'n', 'e'],
};

export interface GeneratedSigningKey {
  readonly kid: string;
  readonly alg: SigningAlgorithm;
  /** Published form: key members plus `kid`, `alg`, `use: sig`. */
  readonly publicJwk: Readonly<Record<string, string>>;
  readonly privateJwk: Readonly<Record<string, string>>;
}

/** RFC 7638 thumbprint: required members in lexicographic order, no whitespace, SHA-256, base64url. */
export function jwkThumbprint(jwk: Readonly<Record<string, string>>): string {
  const members = jwk['kty'] === 'EC' ? ['crv', 'kty', 'x', 'y'] : jwk['kty'] === 'RSA' ? ['e', 'kty', 'n'] : null;
  if (!members) throw new Error('thumbprints are defined here for EC and RSA keys only');
  const canonical = `{${members.map((m) => `${JSON.stringify(m)}:${JSON.stringify(jwk[m] ?? '')}`).join(',')}}`;
  return createHash('sha256').update(canonical, 'utf8').digest('base64url');
}

/** Only the public members of a key, plus its published `kid`, `alg` and `use`. */
export function publicJwkOf(jwk: Readonly<Record<string, string>>, kid: string, alg: SigningAlgorithm): Record<string, string> {
  const members = PUBLIC_JWK_MEMBERS[jwk['kty'] ?? ''];
  if (!members) throw new Error(`unsupported key type for signing key ${kid}`);
  const out: Record<string, string> = {};
  for (const m of members) {
    const value = jwk[m];
    if (typeof value !== 'string') throw new Error(`signing key ${kid} lacks public member ${m}`);
    out[m] = value;
  }
  return { ...out, kid, alg, use: 'sig' };
}

/** A new P-256 (ES256) or 2048-bit RSA (RS256) key whose kid is its RFC 7638 thumbprint. */
export async function generateSigningKey(alg: SigningAlgorithm): Promise<GeneratedSigningKey> {
  const { privateKey } =
    alg === 'ES256'
      ? await generate('ec', { namedCurve: 'P-256' })
      : await generate('rsa', { modulusLength: RSA_BITS, publicExponent: 0x10001 });
  const privateJwk = (privateKey as KeyObject).export({ format: 'jwk' }) as Record<string, string>;
  const kid = jwkThumbprint(privateJwk);
  return { kid, alg, publicJwk: publicJwkOf(privateJwk, kid, alg), privateJwk };
}

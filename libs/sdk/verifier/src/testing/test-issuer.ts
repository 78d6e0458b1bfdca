// Spec support (not exported by the package): a Titan stand-in serving a JWKS over real HTTP, and
// DPoP keys and proofs signed with jose. Hashes are computed with node:crypto, independently of
// the code under test.
import { createHash, randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK, type JWTPayload } from 'jose';

export interface TestIssuer {
  readonly issuer: string;
  readonly audience: string;
  /** A Titan access token (ES256, `typ: at+jwt`) with scopes invoices:read and invoices:write. */
  accessToken(extra?: JWTPayload): Promise<string>;
  close(): Promise<void>;
}

export const nowSeconds = (): number => Math.floor(Date.now() / 1000);

export async function startTestIssuer(audience = 'billing-api'): Promise<TestIssuer> {
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' };
  const server = createServer((req, res) => {
    if (req.url !== '/.well-known/jwks.json') return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    issuer,
    audience,
    accessToken: (extra = {}) => {
      const now = nowSeconds();
      return new SignJWT({
        iss: issuer, sub: 'billing', aud: audience, iat: now, nbf: now, exp: now + 600,
        jti: randomUUID(), client_id: 'billing', scope: 'invoices:read invoices:write', ...extra,
      }).setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid: 'k1' }).sign(privateKey);
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export interface DpopKey {
  readonly privateKey: CryptoKey;
  readonly publicJwk: JWK;
  readonly privateJwk: JWK;
  /** RFC 7638 thumbprint: SHA-256 of the required members in lexicographic order. */
  readonly jkt: string;
}

export async function newDpopKey(): Promise<DpopKey> {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  const publicJwk = await exportJWK(publicKey);
  const canonical = JSON.stringify({ crv: publicJwk.crv, kty: publicJwk.kty, x: publicJwk.x, y: publicJwk.y });
  return { privateKey, publicJwk, privateJwk: await exportJWK(privateKey), jkt: createHash('sha256').update(canonical).digest('base64url') };
}

/** `ath` of a token: base64url SHA-256 of its ASCII bytes. */
export const accessTokenHash = (token: string): string => createHash('sha256').update(token, 'ascii').digest('base64url');

export interface ProofOverrides {
  /** Merged over `{ alg: 'ES256', typ: 'dpop+jwt', jwk }`; a member set to undefined is left out. */
  readonly header?: Record<string, unknown>;
  /** Merged over `{ jti, htm, htu, iat: now, ath }`; a member set to undefined is left out. */
  readonly claims?: Record<string, unknown>;
  /** Sign with another key than the one in the header (a secret for HS256). */
  readonly signWith?: CryptoKey | Uint8Array;
}

/** A DPoP proof (RFC 9449 section 4.2) for `htm` and `htu`, bound to `token` through `ath`. */
export function dpopProof(key: DpopKey, htm: string, htu: string, token: string, overrides: ProofOverrides = {}): Promise<string> {
  const claims = { jti: randomUUID(), htm, htu, iat: nowSeconds(), ath: accessTokenHash(token), ...overrides.claims };
  const header = { alg: 'ES256', typ: 'dpop+jwt', jwk: key.publicJwk, ...overrides.header };
  return new SignJWT(claims).setProtectedHeader(header as { alg: string }).sign(overrides.signWith ?? key.privateKey);
}

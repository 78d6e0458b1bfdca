import { createHash, randomBytes, sign, type KeyObject } from 'node:crypto';
import type { JsonResponse } from './api';
import type { ServiceKey } from './service-key';

export const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

const b64u = (value: unknown): string => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
export const now = (): number => Math.floor(Date.now() / 1000);

/** POST a form-encoded body (the OAuth endpoints). */
export async function postForm<T = Record<string, unknown>>(
  base: string,
  path: string,
  params: Record<string, string>,
  headers: Record<string, string> = {},
): Promise<JsonResponse<T>> {
  const res = await fetch(`${base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(params).toString(),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: (text ? JSON.parse(text) : {}) as T };
}

/** A compact JWS with any header and payload, ES256 (P1363, or DER when asked) by `key`. */
export function signJws(header: Record<string, unknown>, payload: Record<string, unknown>, key: KeyObject, der = false): string {
  const input = `${b64u(header)}.${b64u(payload)}`;
  return `${input}.${sign('sha256', Buffer.from(input), { key, dsaEncoding: der ? 'der' : 'ieee-p1363' }).toString('base64url')}`;
}

/** RFC 7638 thumbprint of a P-256 public JWK. */
export const thumbprint = (jwk: Record<string, string>): string =>
  createHash('sha256').update(JSON.stringify({ crv: jwk['crv'], kty: jwk['kty'], x: jwk['x'], y: jwk['y'] })).digest('base64url');

/** An RFC 7523 client assertion; `claims`/`header` override or (with undefined) remove members. */
export function clientAssertion(
  key: ServiceKey,
  clientId: string,
  aud: string | string[],
  claims: Record<string, unknown> = {},
  header: Record<string, unknown> = {},
): string {
  const t = now();
  const payload: Record<string, unknown> = { iss: clientId, sub: clientId, aud, iat: t, exp: t + 60, jti: randomBytes(12).toString('base64url'), ...claims };
  const head: Record<string, unknown> = { alg: 'ES256', typ: 'JWT', ...header };
  for (const [k, v] of Object.entries(payload)) if (v === undefined) delete payload[k];
  for (const [k, v] of Object.entries(head)) if (v === undefined) delete head[k];
  return signJws(head, payload, key.privateKey);
}

/** Form parameters of private_key_jwt client authentication. */
export const assertionParams = (assertion: string): Record<string, string> => ({
  client_assertion_type: JWT_BEARER,
  client_assertion: assertion,
});

/** An RFC 9449 DPoP proof signed by `key`, its public JWK in the header. */
export function dpopProof(
  key: ServiceKey,
  htm: string,
  htu: string,
  claims: Record<string, unknown> = {},
  header: Record<string, unknown> = {},
): string {
  const payload: Record<string, unknown> = { htm, htu, iat: now(), jti: randomBytes(12).toString('base64url'), ...claims };
  for (const [k, v] of Object.entries(payload)) if (v === undefined) delete payload[k];
  const { kty, crv, x, y } = key.publicJwk;
  return signJws({ typ: 'dpop+jwt', alg: 'ES256', jwk: { kty, crv, x, y }, ...header }, payload, key.privateKey);
}

/** `ath` of a token (RFC 9449 section 4.2). */
export const accessTokenHash = (token: string): string => createHash('sha256').update(token).digest('base64url');

/** Decodes a JWT's payload without verifying it (tests only). */
export const payloadOf = (jwt: string): Record<string, unknown> =>
  JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;

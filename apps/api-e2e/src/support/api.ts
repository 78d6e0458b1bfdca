import { signProof, type ServiceKey } from './service-key';

export interface JsonResponse<T = Record<string, unknown>> {
  readonly status: number;
  readonly body: T;
  readonly headers: Headers;
}

export async function call<T = Record<string, unknown>>(
  base: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<JsonResponse<T>> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: (text ? JSON.parse(text) : {}) as T };
}

export interface Challenge {
  challengeId: string;
  nonce: string;
  expiresAt: string;
}

export async function challenge(base: string, identityId: string, extra: Record<string, string> = {}): Promise<Challenge> {
  const res = await call<Challenge>(base, 'POST', '/v1/zkp/challenge', { identityId, ...extra });
  if (res.status !== 201) throw new Error(`challenge failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** Full handshake; returns the raw token response. */
export async function handshake(base: string, issuer: string, identityId: string, key: ServiceKey, extra: Record<string, string> = {}) {
  const c = await challenge(base, identityId, extra);
  return call(base, 'POST', '/v1/zkp/token', {
    identityId, challengeId: c.challengeId, signature: signProof(key, issuer, identityId, c.challengeId, c.nonce),
  });
}

export async function adminToken(base: string, issuer: string, adminKey: ServiceKey): Promise<string> {
  const res = await handshake(base, issuer, 'admin', adminKey, { audience: issuer, scope: 'titan:admin' });
  if (res.status !== 200) throw new Error(`admin handshake failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body['access_token'] as string;
}

export const bearer = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}` });

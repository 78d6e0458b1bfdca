// A small stand-in for Titan: the two handshake endpoints (with real signature checks) and the
// identity admin endpoints, enough to drive the CLI end to end in specs.
import { createHash, createPublicKey, randomBytes, randomUUID, verify } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { decodeBase64UrlOfLength, proofMessage, thumbprintInput, type EcPublicJwk } from '@titan/domain';

interface Identity {
  id: string;
  status: 'active' | 'revoked';
  keys: { thumbprint: string; jwk: EcPublicJwk; createdAt: string }[];
  scopes: string[];
  audiences: string[];
  createdAt: string;
  revokedAt: string | null;
  revocationReason: string | null;
}

export interface FakeTitan {
  readonly url: string;
  issuer: string;
  readonly identities: Map<string, Identity>;
  /** Every request body received, in order. */
  readonly bodies: { method: string; url: string; body: unknown }[];
  addIdentity(id: string, publicJwk: EcPublicJwk, scopes: string[]): void;
  close(): Promise<void>;
}

const thumbprint = (jwk: EcPublicJwk) => createHash('sha256').update(thumbprintInput(jwk)).digest('base64url');
const bare = (jwk: EcPublicJwk): EcPublicJwk => ({ kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y });

export async function startFakeTitan(): Promise<FakeTitan> {
  const identities = new Map<string, Identity>();
  const challenges = new Map<string, { identityId: string; nonce: string; scope: string; audience: string }>();
  const tokens = new Map<string, { sub: string; scopes: string[] }>();
  const bodies: FakeTitan['bodies'] = [];
  const now = () => new Date().toISOString();

  const addIdentity = (id: string, jwk: EcPublicJwk, scopes: string[], audiences: string[] = []) => {
    const identity: Identity = {
      id, status: 'active', keys: [{ thumbprint: thumbprint(jwk), jwk: bare(jwk), createdAt: now() }],
      scopes, audiences, createdAt: now(), revokedAt: null, revocationReason: null,
    };
    identities.set(id, identity);
    return identity;
  };

  const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) =>
    void res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
  const problem = (res: ServerResponse, status: number, error: string, description: string, headers?: Record<string, string>) =>
    send(res, status, { error, error_description: description }, headers);

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    let raw = '';
    for await (const chunk of req) raw += chunk;
    const body = (raw ? JSON.parse(raw) : undefined) as Record<string, unknown> | undefined;
    bodies.push({ method: req.method!, url: req.url!, body });
    const url = new URL(req.url!, 'http://fake');

    if (req.method === 'POST' && url.pathname === '/v1/zkp/challenge') {
      const identity = identities.get(String(body?.['identityId']));
      const scope = typeof body?.['scope'] === 'string' ? body['scope'] : identity?.scopes.join(' ') ?? '';
      if (identity && scope.split(' ').some((s) => s && !identity.scopes.includes(s))) {
        return problem(res, 400, 'invalid_scope', 'a requested scope is not allowed for this identity');
      }
      const challengeId = randomUUID();
      const nonce = randomBytes(32).toString('base64url');
      challenges.set(challengeId, { identityId: String(body?.['identityId']), nonce, scope, audience: String(body?.['audience'] ?? fake.issuer) });
      return send(res, 201, { challengeId, nonce, expiresAt: new Date(Date.now() + 60_000).toISOString() });
    }
    if (req.method === 'POST' && url.pathname === '/v1/zkp/token') {
      const challengeId = String(body?.['challengeId']);
      const challenge = challenges.get(challengeId);
      challenges.delete(challengeId);
      const signature = decodeBase64UrlOfLength(String(body?.['signature']), 64, 'signature');
      if (!signature.ok) return problem(res, 400, 'invalid_request', signature.error.message);
      const identity = challenge && identities.get(challenge.identityId);
      const message = challenge && Buffer.from(proofMessage(fake.issuer, challenge.identityId, challengeId, challenge.nonce));
      const good = identity?.status === 'active' && challenge!.identityId === body?.['identityId'] &&
        identity.keys.some((k) => verify('sha256', message!, { key: createPublicKey({ key: { ...k.jwk }, format: 'jwk' }), dsaEncoding: 'ieee-p1363' }, signature.value));
      if (!good) return send(res, 401, { error: 'invalid_proof' });
      const accessToken = `tok-${randomBytes(8).toString('hex')}`;
      tokens.set(accessToken, { sub: challenge!.identityId, scopes: challenge!.scope.split(' ') });
      return send(res, 200, { access_token: accessToken, token_type: 'Bearer', expires_in: 600, scope: challenge!.scope });
    }

    if (!url.pathname.startsWith('/v1/identities')) return problem(res, 404, 'not_found', 'no such route');
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (!bearer) return problem(res, 401, 'invalid_token', 'a bearer token is required', { 'www-authenticate': 'Bearer' });
    const principal = tokens.get(bearer);
    if (!principal) return problem(res, 401, 'invalid_token', 'the token is invalid', { 'www-authenticate': 'Bearer error="invalid_token"' });
    if (!principal.scopes.includes('titan:admin')) return problem(res, 403, 'insufficient_scope', 'this endpoint needs the titan:admin scope');

    const parts = url.pathname.split('/').slice(3).map(decodeURIComponent); // after /v1/identities
    const target = parts[0] === undefined ? undefined : identities.get(parts[0]);
    if (req.method === 'POST' && parts.length === 0) {
      const jwk = body?.['publicKey'] as Record<string, unknown> | undefined;
      if (jwk && 'd' in jwk) return problem(res, 400, 'private_key_exposed', 'publicKey contains private key material');
      if (identities.has(String(body?.['id']))) return problem(res, 409, 'conflict', 'identity exists');
      const created = addIdentity(String(body?.['id']), jwk as unknown as EcPublicJwk, (body?.['scopes'] as string[]) ?? [], (body?.['audiences'] as string[]) ?? []);
      return send(res, 201, created);
    }
    if (req.method === 'GET' && parts.length === 0) {
      const all = [...identities.values()].sort((a, b) => a.id.localeCompare(b.id));
      const limit = Number(url.searchParams.get('limit') ?? 50);
      const start = Number(url.searchParams.get('cursor') ?? 0);
      const items = all.slice(start, start + limit);
      return send(res, 200, { items, nextCursor: start + limit < all.length ? String(start + limit) : null });
    }
    if (!target) return problem(res, 404, 'not_found', 'no such identity');
    if (req.method === 'GET' && parts.length === 1) return send(res, 200, target);
    if (req.method === 'POST' && parts[1] === 'revoke') {
      Object.assign(target, { status: 'revoked', revokedAt: now(), revocationReason: body?.['reason'] });
      return send(res, 200, target);
    }
    if (req.method === 'POST' && parts[1] === 'keys') {
      const jwk = body?.['publicKey'] as EcPublicJwk;
      target.keys.push({ thumbprint: thumbprint(jwk), jwk: bare(jwk), createdAt: now() });
      return send(res, 201, target);
    }
    if (req.method === 'DELETE' && parts[1] === 'keys' && parts[2]) {
      if (target.keys.length === 1) return problem(res, 409, 'conflict', 'cannot retire the last key');
      target.keys = target.keys.filter((k) => k.thumbprint !== parts[2]);
      return send(res, 200, target);
    }
    return problem(res, 404, 'not_found', 'no such route');
  };

  const server = createServer((req, res) => void handle(req, res).catch(() => problem(res, 500, 'internal_error', 'fake failed')));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const fake: FakeTitan = {
    url,
    issuer: url,
    identities,
    bodies,
    addIdentity: (id, jwk, scopes) => void addIdentity(id, jwk, scopes),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  return fake;
}

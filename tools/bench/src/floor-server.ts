/**
 * The framework-free floor: node:http + node:crypto, challenges in a Map, parsed keys cached, the same
 * wire format as Titan's native handshake (challenge + proof + ES256 JWT mint) and a JWKS. What a
 * server that does only the necessary work costs on this machine. Not a product: no audit, no
 * validation beyond what the protocol needs.
 *
 * Env: PORT (0 = any), BENCH_CLIENTS = JSON [{ id, jwk }]. Prints `listening <port>` when ready.
 */
import { createPublicKey, generateKeyPairSync, randomBytes, sign, verify, type KeyObject } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';

interface ChallengeEntry {
  readonly identityId: string;
  readonly nonce: string;
  readonly expiresAtMs: number;
}

const CHALLENGE_TTL_MS = 60_000;
const TOKEN_TTL_S = 600;
const MAX_BODY = 64 * 1024;

const clients = new Map<string, KeyObject>();
for (const c of JSON.parse(process.env['BENCH_CLIENTS'] ?? '[]') as Array<{ id: string; jwk: Record<string, string> }>) {
  clients.set(c.id, createPublicKey({ key: c.jwk, format: 'jwk' }));
}
const signing = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const publicJwk = { ...(signing.publicKey.export({ format: 'jwk' }) as Record<string, string>), kid: 'floor-1', alg: 'ES256', use: 'sig' };
const jwksBody = JSON.stringify({ keys: [publicJwk] });
const tokenHeader = Buffer.from(JSON.stringify({ alg: 'ES256', typ: 'at+jwt', kid: 'floor-1' })).toString('base64url');
const challenges = new Map<string, ChallengeEntry>();
let issuer = '';

setInterval(() => {
  const now = Date.now();
  for (const [id, c] of challenges) if (c.expiresAtMs <= now) challenges.delete(id);
}, 5_000).unref();

function send(res: ServerResponse, status: number, body: string, noStore = true): void {
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
    ...(noStore ? { 'cache-control': 'no-store' } : { 'cache-control': 'public, max-age=300' }),
  });
  res.end(body);
}

function readJson(req: IncomingMessage, done: (body: Record<string, unknown> | null) => void): void {
  let text = '';
  req.setEncoding('utf8');
  req.on('data', (chunk: string) => {
    text += chunk;
    if (text.length > MAX_BODY) req.destroy();
  });
  req.on('end', () => {
    try {
      const parsed = JSON.parse(text) as unknown;
      done(parsed && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : null);
    } catch {
      done(null);
    }
  });
}

function challenge(body: Record<string, unknown>, res: ServerResponse): void {
  const identityId = body['identityId'];
  if (typeof identityId !== 'string') return send(res, 400, '{"error":"invalid_request"}');
  const id = randomBytes(16).toString('base64url');
  const nonce = randomBytes(32).toString('base64url');
  const expiresAtMs = Date.now() + CHALLENGE_TTL_MS;
  if (clients.has(identityId)) challenges.set(id, { identityId, nonce, expiresAtMs });
  send(res, 201, JSON.stringify({ challengeId: id, nonce, expiresAt: new Date(expiresAtMs).toISOString() }));
}

function token(body: Record<string, unknown>, res: ServerResponse): void {
  const { identityId, challengeId, signature } = body;
  if (typeof identityId !== 'string' || typeof challengeId !== 'string' || typeof signature !== 'string') {
    return send(res, 400, '{"error":"invalid_request"}');
  }
  const sig = Buffer.from(signature, 'base64url');
  if (sig.length !== 64) return send(res, 400, '{"error":"invalid_request"}');
  const entry = challenges.get(challengeId);
  challenges.delete(challengeId);
  const key = clients.get(identityId);
  const now = Date.now();
  if (!entry || !key || entry.identityId !== identityId || entry.expiresAtMs <= now) return send(res, 401, '{"error":"invalid_proof"}');
  const message = Buffer.from(`titan-pop-v1\n${issuer}\n${identityId}\n${challengeId}\n${entry.nonce}`, 'utf8');
  if (!verify('sha256', message, { key, dsaEncoding: 'ieee-p1363' }, sig)) return send(res, 401, '{"error":"invalid_proof"}');
  const iat = Math.floor(now / 1000);
  const claims = {
    iss: issuer, sub: identityId, aud: 'urn:bench', exp: iat + TOKEN_TTL_S, iat, nbf: iat,
    jti: randomBytes(16).toString('base64url'), client_id: identityId, scope: 'bench:read',
  };
  const input = `${tokenHeader}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
  const jws = `${input}.${sign('sha256', Buffer.from(input), { key: signing.privateKey, dsaEncoding: 'ieee-p1363' }).toString('base64url')}`;
  send(res, 200, JSON.stringify({ access_token: jws, token_type: 'Bearer', expires_in: TOKEN_TTL_S, scope: 'bench:read' }));
}

const server = createServer({ keepAliveTimeout: 65_000 }, (req, res) => {
  if (req.method === 'GET' && req.url === '/.well-known/jwks.json') return send(res, 200, jwksBody, false);
  if (req.method === 'GET' && req.url === '/health/ready') return send(res, 200, '{"status":"ok"}');
  if (req.method === 'POST' && (req.url === '/v1/zkp/challenge' || req.url === '/v1/zkp/token')) {
    const handler = req.url === '/v1/zkp/challenge' ? challenge : token;
    return readJson(req, (body) => (body ? handler(body, res) : send(res, 400, '{"error":"invalid_request"}')));
  }
  send(res, 404, '{"error":"not_found"}');
});

server.listen(Number(process.env['PORT'] ?? 0), '127.0.0.1', () => {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  issuer = `http://127.0.0.1:${port}`;
  process.stdout.write(`listening ${port}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));

// A tiny stand-in for Titan's two handshake endpoints that really verifies proofs, for the specs.
import { createPublicKey, randomBytes, randomUUID, verify, type KeyObject } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { decodeBase64UrlOfLength, proofMessage } from '@titan/domain';

export interface FakeTitan {
  readonly url: string;
  readonly issuer: string;
  readonly stats: { challenges: number; tokens: number; failures: number };
  register(identityId: string, publicJwk: object): void;
  /** Milliseconds to wait before answering each request, to widen races. */
  delayMs: number;
  tokenTtlSeconds: number;
  close(): Promise<void>;
}

export async function startFakeTitan(options: { issuer?: string } = {}): Promise<FakeTitan> {
  const keys = new Map<string, KeyObject>();
  const challenges = new Map<string, { identityId: string; nonce: string; scope: string }>();
  let counter = 0;
  const fake = {
    url: '',
    issuer: '',
    stats: { challenges: 0, tokens: 0, failures: 0 },
    delayMs: 0,
    tokenTtlSeconds: 600,
    register: (id: string, jwk: object) => keys.set(id, createPublicKey({ key: jwk as never, format: 'jwk' })),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  const send = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  };
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    let raw = '';
    for await (const chunk of req) raw += chunk;
    if (fake.delayMs > 0) await new Promise((r) => setTimeout(r, fake.delayMs));
    const body = JSON.parse(raw || '{}') as Record<string, string>;
    if (req.method === 'POST' && req.url === '/v1/zkp/challenge') {
      if (body['scope'] === 'forbidden') return send(res, 400, { error: 'invalid_scope', error_description: 'a requested scope is not allowed' });
      fake.stats.challenges++;
      const challengeId = randomUUID();
      const nonce = randomBytes(32).toString('base64url');
      challenges.set(challengeId, { identityId: body['identityId']!, nonce, scope: body['scope'] ?? 'read' });
      return send(res, 201, { challengeId, nonce, expiresAt: new Date(Date.now() + 60_000).toISOString() });
    }
    if (req.method === 'POST' && req.url === '/v1/zkp/token') {
      const challenge = challenges.get(body['challengeId']!);
      challenges.delete(body['challengeId']!);
      const key = keys.get(body['identityId']!);
      const signature = decodeBase64UrlOfLength(body['signature'] ?? '', 64, 'signature');
      if (!signature.ok) return send(res, 400, { error: 'invalid_request', error_description: signature.error.message });
      const good =
        challenge !== undefined && key !== undefined && challenge.identityId === body['identityId'] &&
        verify('sha256', Buffer.from(proofMessage(fake.issuer, challenge.identityId, body['challengeId']!, challenge.nonce)),
          { key, dsaEncoding: 'ieee-p1363' }, signature.value);
      if (!good) {
        fake.stats.failures++;
        return send(res, 401, { error: 'invalid_proof', error_description: 'the proof was not accepted' });
      }
      fake.stats.tokens++;
      return send(res, 200, { access_token: `token-${++counter}`, token_type: 'Bearer', expires_in: fake.tokenTtlSeconds, scope: challenge.scope });
    }
    send(res, 404, { error: 'not_found', error_description: 'no such route' });
  };
  const server: Server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  fake.issuer = options.issuer ?? fake.url;
  return fake;
}

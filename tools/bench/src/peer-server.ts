/**
 * The peer: node-oidc-provider (pinned in package.json) configured for `client_credentials` with
 * `private_key_jwt` (ES256 client keys), ES256 JWT access tokens through resource indicators, its
 * default in-memory adapter (as its documentation describes for development and benchmarks).
 *
 * Env: BENCH_CLIENTS = JSON [{ id, jwk }]. Prints `listening <port>` when ready.
 */
import { generateKeyPairSync } from 'node:crypto';
import { createServer } from 'node:http';

async function main(): Promise<void> {
  const clients = JSON.parse(process.env['BENCH_CLIENTS'] ?? '[]') as Array<{ id: string; jwk: Record<string, string> }>;
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(Number(process.env['PORT'] ?? 0), '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const issuer = `http://127.0.0.1:${port}`;

  const signing = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' });
  // ESM-only package: a real dynamic import (kept as import() by the node20 module setting).
  const { default: Provider } = await import('oidc-provider');
  const provider = new Provider(issuer, {
    clients: clients.map((c) => ({
      client_id: c.id,
      token_endpoint_auth_method: 'private_key_jwt',
      token_endpoint_auth_signing_alg: 'ES256',
      id_token_signed_response_alg: 'ES256',
      grant_types: ['client_credentials'],
      response_types: [],
      redirect_uris: [],
      scope: 'bench:read',
      jwks: { keys: [{ ...c.jwk, use: 'sig', alg: 'ES256' }] },
    })),
    jwks: { keys: [{ ...signing, kid: 'peer-1', use: 'sig', alg: 'ES256' }] },
    scopes: ['bench:read'],
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      introspection: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => 'urn:bench',
        useGrantedResource: () => true,
        getResourceServerInfo: () => ({
          scope: 'bench:read',
          audience: 'urn:bench',
          accessTokenTTL: 600,
          accessTokenFormat: 'jwt',
          jwt: { sign: { alg: 'ES256' } },
        }),
      },
    },
  });
  server.on('request', provider.callback());
  process.stdout.write(`listening ${port}\n`);
  process.on('SIGTERM', () => server.close(() => process.exit(0)));
}

main().catch((error: unknown) => {
  process.stderr.write(`peer failed: ${String(error)}\n`);
  process.exit(1);
});

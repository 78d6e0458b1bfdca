import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { createTitanVerifier } from './titan-verifier';
import { TitanVerifierError } from './titan-verifier-error';

/** Resource servers accept one spelling of a token: unpadded base64url segments (RFC 7515). */
describe('createTitanVerifier: canonical compact encoding', () => {
  let server: Server;
  let issuer: string;
  let token: string;

  before(async () => {
    const { privateKey, publicKey } = await generateKeyPair('ES256');
    const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' };
    server = createServer((_, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] })));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const now = Math.floor(Date.now() / 1000);
    token = await new SignJWT({ iss: issuer, sub: 's', aud: 'api', iat: now, nbf: now, exp: now + 600, jti: 'j', client_id: 's', scope: '' })
      .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid: 'k1' })
      .sign(privateKey);
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('accepts the token as signed and refuses padded or standard-alphabet signatures', async () => {
    const verifier = createTitanVerifier({ issuer, audience: 'api' });
    assert.equal((await verifier.verify(token)).subject, 's');
    const [h, p, s] = token.split('.') as [string, string, string];
    for (const signature of [`${s}=`, Buffer.from(s, 'base64url').toString('base64')]) {
      await assert.rejects(verifier.verify(`${h}.${p}.${signature}`), (e: unknown) => e instanceof TitanVerifierError && e.code === 'invalid_token');
    }
  });
});

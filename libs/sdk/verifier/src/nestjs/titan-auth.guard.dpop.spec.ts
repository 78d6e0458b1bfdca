import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { HttpException, type ExecutionContext } from '@nestjs/common';
import { dpopProof, newDpopKey, startTestIssuer, type DpopKey, type TestIssuer } from '../testing/test-issuer';
import { createTitanVerifier, type TitanVerifier, type VerifiedDpopToken } from '../titan-verifier';
import { Scopes } from './scopes.decorator';
import { TITAN_AUTH_OPTIONS, TitanAuthGuard, type TitanAuthGuardOptions } from './titan-auth.guard';
import { TitanAuthModule } from './titan-auth.module';

@Scopes('invoices:read')
class InvoicesController {
  list(): void {}
  @Scopes('invoices:admin')
  purge(): void {}
}

interface FakeRequest {
  headers: Record<string, string | string[] | undefined>;
  method: string;
  url: string;
  originalUrl?: string;
  protocol?: string;
  titan?: unknown;
}

/** Runs the guard (real verifier, real JWKS) on an HTTP request shaped like Express's or Fastify's. */
function run(verifier: TitanVerifier, request: FakeRequest, options?: TitanAuthGuardOptions, handler: 'list' | 'purge' = 'list') {
  const headers: Record<string, string> = {};
  const response = { header: (name: string, value: string) => { headers[name] = value; } };
  const context = {
    getType: () => 'http',
    getClass: () => InvoicesController,
    getHandler: () => InvoicesController.prototype[handler],
    switchToHttp: () => ({ getRequest: () => request, getResponse: () => response }),
  } as unknown as ExecutionContext;
  return { outcome: new TitanAuthGuard(verifier, options).canActivate(context), headers };
}

async function failure(result: ReturnType<typeof run>) {
  try {
    await result.outcome;
  } catch (e) {
    assert.ok(e instanceof HttpException, String(e));
    return { status: e.getStatus(), body: e.getResponse() as Record<string, string>, challenge: result.headers['WWW-Authenticate'] };
  }
  assert.fail('the guard let the request through');
}

describe('TitanAuthGuard: DPoP', () => {
  const PUBLIC = 'https://api.example.com';
  let titan: TestIssuer;
  let key: DpopKey;
  let verifier: TitanVerifier;

  before(async () => {
    titan = await startTestIssuer();
    key = await newDpopKey();
    verifier = createTitanVerifier({ issuer: titan.issuer, audience: titan.audience });
  });
  after(() => titan.close());

  /** GET /invoices?page=2 behind a proxy: the app sees Host internal:3000 over http. */
  const dpopRequest = async (htu = `${PUBLIC}/invoices`, proofFor = 'GET'): Promise<FakeRequest> => {
    const token = await titan.accessToken({ cnf: { jkt: key.jkt } });
    return {
      headers: { authorization: `DPoP ${token}`, dpop: await dpopProof(key, proofFor, htu, token), host: 'internal:3000' },
      method: 'GET', url: '/invoices?page=2', protocol: 'http',
    };
  };
  const DPOP_PROOF_CHALLENGE = 'DPoP error="invalid_dpop_proof", algs="ES256"';

  it('lets a DPoP-bound token with a valid proof through and exposes the principal with its key', async () => {
    const request = await dpopRequest();
    assert.equal(await run(verifier, request, { publicBaseUrl: PUBLIC }).outcome, true);
    const principal = request.titan as VerifiedDpopToken;
    assert.equal(principal.subject, 'billing');
    assert.equal(principal.jkt, key.jkt);
  });

  it('builds htu from publicBaseUrl (with a path prefix) and originalUrl', async () => {
    const request = await dpopRequest(`${PUBLIC}/billing/v1/invoices`);
    request.url = '/invoices';
    request.originalUrl = '/v1/invoices?page=2';
    assert.equal(await run(verifier, request, { publicBaseUrl: `${PUBLIC}/billing/` }).outcome, true);
  });

  it('without publicBaseUrl, builds htu from the request protocol and Host header', async () => {
    const direct = await dpopRequest('https://internal:3000/invoices');
    direct.protocol = 'https';
    assert.equal(await run(verifier, direct).outcome, true);
    // Behind the proxy, the app's own view of the URL is not the one the client signed.
    const proxied = await failure(run(verifier, await dpopRequest()));
    assert.equal(proxied.status, 401);
    assert.equal(proxied.challenge, DPOP_PROOF_CHALLENGE);
    assert.match(proxied.body['error_description'] ?? '', /htu/);
  });

  it('answers 401 invalid_dpop_proof when the proof is missing, repeated or wrong', async () => {
    const missing = await dpopRequest();
    delete missing.headers['dpop'];
    const twice = await dpopRequest();
    twice.headers['dpop'] = [twice.headers['dpop'] as string, twice.headers['dpop'] as string];
    const joined = await dpopRequest();
    joined.headers['dpop'] = `${joined.headers['dpop'] as string}, ${joined.headers['dpop'] as string}`;
    const wrongMethod = await dpopRequest(`${PUBLIC}/invoices`, 'POST');
    for (const request of [missing, twice, joined, wrongMethod]) {
      const f = await failure(run(verifier, request, { publicBaseUrl: PUBLIC }));
      assert.equal(f.status, 401);
      assert.equal(f.challenge, DPOP_PROOF_CHALLENGE);
      assert.equal(f.body['error'], 'invalid_dpop_proof');
    }
  });

  it('answers 401 invalid_dpop_proof for a replayed proof', async () => {
    const request = await dpopRequest();
    assert.equal(await run(verifier, request, { publicBaseUrl: PUBLIC }).outcome, true);
    const replay = await failure(run(verifier, { ...request, titan: undefined }, { publicBaseUrl: PUBLIC }));
    assert.equal(replay.challenge, DPOP_PROOF_CHALLENGE);
    assert.match(replay.body['error_description'] ?? '', /already been used/);
  });

  it('answers in the scheme the client used: DPoP invalid_token for an unbound token, Bearer invalid_token for a bound one', async () => {
    const unbound = await titan.accessToken();
    const asDpop = await failure(run(verifier, {
      headers: { authorization: `DPoP ${unbound}`, dpop: await dpopProof(key, 'GET', `${PUBLIC}/invoices`, unbound) },
      method: 'GET', url: '/invoices',
    }, { publicBaseUrl: PUBLIC }));
    assert.equal(asDpop.status, 401);
    assert.equal(asDpop.challenge, 'DPoP error="invalid_token", algs="ES256"');
    assert.equal(asDpop.body['error'], 'invalid_token');

    const bound = await dpopRequest();
    bound.headers['authorization'] = (bound.headers['authorization'] as string).replace(/^DPoP/, 'Bearer');
    const asBearer = await failure(run(verifier, bound, { publicBaseUrl: PUBLIC }));
    assert.equal(asBearer.status, 401);
    assert.equal(asBearer.challenge, 'Bearer error="invalid_token"');
    assert.match(asBearer.body['error_description'] ?? '', /DPoP/);
  });

  it('answers 403 insufficient_scope with a DPoP challenge', async () => {
    const f = await failure(run(verifier, await dpopRequest(), { publicBaseUrl: PUBLIC }, 'purge'));
    assert.equal(f.status, 403);
    assert.equal(f.challenge, 'DPoP error="insufficient_scope", scope="invoices:read invoices:admin"');
  });

  it('answers 503 when the keys cannot be fetched', async () => {
    const offline = createTitanVerifier({ issuer: titan.issuer, audience: titan.audience, jwksUri: 'http://127.0.0.1:9/jwks.json', timeoutMs: 2000 });
    const f = await failure(run(offline, await dpopRequest(), { publicBaseUrl: PUBLIC }));
    assert.equal(f.status, 503);
    assert.equal(f.body['error'], 'unavailable');
  });

  it('refuses a publicBaseUrl that is not an absolute http(s) URL, and TitanAuthModule passes it on', () => {
    for (const publicBaseUrl of ['api.example.com', 'ftp://api.example.com', 'https://api.example.com/?a=1', 'https://api.example.com/#x']) {
      assert.throws(() => new TitanAuthGuard(verifier, { publicBaseUrl }), TypeError);
    }
    const module = TitanAuthModule.forRoot({ verifier, publicBaseUrl: PUBLIC });
    const provided = module.providers?.find((p) => typeof p === 'object' && 'provide' in p && p.provide === TITAN_AUTH_OPTIONS);
    assert.deepEqual((provided as { useValue: unknown } | undefined)?.useValue, { publicBaseUrl: PUBLIC });
  });
});

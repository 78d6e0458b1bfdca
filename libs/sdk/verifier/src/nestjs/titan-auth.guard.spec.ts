import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { HttpException, type ExecutionContext } from '@nestjs/common';
import type { TitanVerifier, VerifiedToken } from '../titan-verifier';
import { TitanVerifierError } from '../titan-verifier-error';
import { Scopes } from './scopes.decorator';
import { TitanAuthGuard } from './titan-auth.guard';
import { TitanAuthModule } from './titan-auth.module';

@Scopes('invoices:read')
class InvoicesController {
  list(): void {}
  @Scopes('invoices:write')
  create(): void {}
}
class OpenController {
  ping(): void {}
}

// Tokens name their scopes; "down" is a JWKS outage; anything else is refused.
const TOKENS: Record<string, string[]> = { read: ['invoices:read'], write: ['invoices:write'], both: ['invoices:read', 'invoices:write'], none: [] };
const verifier: TitanVerifier = {
  issuer: 'https://titan.test',
  async verify(token: string): Promise<VerifiedToken> {
    if (token === 'down') throw new TitanVerifierError('jwks_unavailable', 'keys unavailable');
    const scopes = TOKENS[token];
    if (!scopes) throw new TitanVerifierError('invalid_token', 'the token has expired');
    return { subject: 'billing', clientId: 'billing', scopes, claims: {} as VerifiedToken['claims'] };
  },
  // DPoP requests are covered with a real verifier in titan-auth.guard.dpop.spec.ts.
  async verifyDpopBoundRequest() {
    throw new Error('a Bearer request must not take the DPoP path');
  },
};

function run(authorization: string | undefined, cls: new () => object, method: string) {
  const request: Record<string, unknown> = { headers: authorization === undefined ? {} : { authorization } };
  const headers: Record<string, string> = {};
  const response = { header: (name: string, value: string) => { headers[name] = value; } };
  const context = {
    getType: () => 'http',
    getClass: () => cls,
    getHandler: () => (cls.prototype as Record<string, unknown>)[method],
    switchToHttp: () => ({ getRequest: () => request, getResponse: () => response }),
  } as unknown as ExecutionContext;
  return { outcome: new TitanAuthGuard(verifier).canActivate(context), request, headers };
}

async function failure(result: ReturnType<typeof run>) {
  try {
    await result.outcome;
  } catch (e) {
    assert.ok(e instanceof HttpException);
    return { status: e.getStatus(), body: e.getResponse() as Record<string, string>, headers: result.headers };
  }
  assert.fail('the guard let the request through');
}

describe('TitanAuthGuard', () => {
  it('answers 401 with WWW-Authenticate: Bearer when the token is missing', async () => {
    const f = await failure(run(undefined, InvoicesController, 'list'));
    assert.equal(f.status, 401);
    assert.equal(f.headers['WWW-Authenticate'], 'Bearer');
    assert.equal(f.body['error'], 'invalid_token');
    assert.equal((await failure(run('Basic abc', InvoicesController, 'list'))).status, 401);
  });

  it('answers 401 invalid_token for a refused token', async () => {
    const f = await failure(run('Bearer expired', InvoicesController, 'list'));
    assert.equal(f.status, 401);
    assert.equal(f.headers['WWW-Authenticate'], 'Bearer error="invalid_token"');
    assert.deepEqual(f.body, { error: 'invalid_token', error_description: 'the token has expired' });
  });

  it('answers 503 when the keys cannot be fetched', async () => {
    const f = await failure(run('Bearer down', InvoicesController, 'list'));
    assert.equal(f.status, 503);
    assert.equal(f.body['error'], 'unavailable');
  });

  it('answers 403 insufficient_scope; class and handler scopes add up', async () => {
    const f = await failure(run('Bearer read', InvoicesController, 'create'));
    assert.equal(f.status, 403);
    assert.equal(f.body['error'], 'insufficient_scope');
    assert.equal(f.headers['WWW-Authenticate'], 'Bearer error="insufficient_scope", scope="invoices:read invoices:write"');
    assert.equal((await failure(run('Bearer write', InvoicesController, 'create'))).status, 403);
  });

  it('lets a token with every needed scope through and exposes the principal', async () => {
    const ok = run('Bearer both', InvoicesController, 'create');
    assert.equal(await ok.outcome, true);
    assert.equal((ok.request['titan'] as VerifiedToken).subject, 'billing');
    assert.equal(await run('Bearer read', InvoicesController, 'list').outcome, true);
    assert.equal(await run('Bearer none', OpenController, 'ping').outcome, true);
  });

  it('is provided by TitanAuthModule.forRoot', () => {
    const module = TitanAuthModule.forRoot({ verifier });
    assert.ok(module.providers?.includes(TitanAuthGuard));
    assert.ok(module.exports?.includes(TitanAuthGuard));
  });
});

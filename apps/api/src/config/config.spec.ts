import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, loadConfig } from './config';

const KEK = 'A'.repeat(42) + 'A';

describe('loadConfig', () => {
  it('has embedded-mode defaults', () => {
    const c = loadConfig({});
    assert.equal(c.port, 8000);
    assert.equal(c.issuer, 'http://localhost:8000');
    assert.equal(c.databaseUrl, undefined);
    assert.equal(c.challengeTtlSeconds, 60);
    assert.equal(c.serviceTokenTtlSeconds, 600);
    assert.equal(c.cryptoLane, 'inline');
    assert.match(c.dataDir, /\/data$/);
  });

  it('derives the issuer from PORT and takes TITAN_ISSUER verbatim', () => {
    assert.equal(loadConfig({ PORT: '9100' }).issuer, 'http://localhost:9100');
    assert.equal(loadConfig({ TITAN_ISSUER: 'https://auth.example.com/tenant' }).issuer, 'https://auth.example.com/tenant');
  });

  const refusals: Array<[Record<string, string>, string]> = [
    [{ TITAN_ISSUER: 'https://auth.example.com/' }, 'TITAN_ISSUER'],
    [{ TITAN_ISSUER: 'not a url' }, 'TITAN_ISSUER'],
    [{ PORT: 'eighty' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ TITAN_CHALLENGE_TTL_SECONDS: '0' }, 'TITAN_CHALLENGE_TTL_SECONDS'],
    [{ TITAN_CHALLENGE_TTL_SECONDS: '301' }, 'TITAN_CHALLENGE_TTL_SECONDS'],
    [{ TITAN_SERVICE_TOKEN_TTL_SECONDS: '59' }, 'TITAN_SERVICE_TOKEN_TTL_SECONDS'],
    [{ TITAN_SERVICE_TOKEN_TTL_SECONDS: '3601' }, 'TITAN_SERVICE_TOKEN_TTL_SECONDS'],
    [{ TITAN_CRYPTO_LANE: 'gpu' }, 'TITAN_CRYPTO_LANE'],
    [{ DATABASE_URL: 'mysql://x' , TITAN_KEK: KEK }, 'DATABASE_URL'],
    [{ DATABASE_URL: 'postgres://localhost/titan' }, 'TITAN_KEK'],
    [{ TITAN_KEK: 'short' }, 'TITAN_KEK'],
    [{ REDIS_URL: 'http://x' }, 'REDIS_URL'],
    [{ TITAN_BOOTSTRAP_ADMIN_JWK: '{not json' }, 'TITAN_BOOTSTRAP_ADMIN_JWK'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
  ];
  for (const [env, variable] of refusals) {
    it(`refuses ${JSON.stringify(env)} naming ${variable}`, () => {
      assert.throws(() => loadConfig(env), (e: unknown) => e instanceof ConfigError && e.variable === variable && e.message.startsWith(variable));
    });
  }
});

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, KEY_REFRESH_SECONDS, keyRotationSchedule, loadConfig } from './config';

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

  it('exposes no metrics unless a token or a loopback metrics port is configured', () => {
    const none = loadConfig({});
    assert.equal(none.metricsToken, undefined);
    assert.equal(none.metricsPort, undefined);
    assert.equal(none.metricsHost, '127.0.0.1');
    const token = 'x'.repeat(32);
    assert.equal(loadConfig({ TITAN_METRICS_TOKEN: token }).metricsToken, token);
    assert.equal(loadConfig({ TITAN_METRICS_PORT: '0' }).metricsPort, 0);
    assert.equal(loadConfig({ TITAN_METRICS_PORT: '9464', TITAN_METRICS_HOST: '0.0.0.0' }).metricsHost, '0.0.0.0');
  });

  it('has rate-limit and lockout defaults a benchmark from one address never meets, each tunable', () => {
    const defaults = loadConfig({});
    assert.deepEqual(defaults.rateLimits, {
      windowSeconds: 60, perIp: 600_000, perIdentity: 120_000, admin: 30_000,
      maxOutstandingChallenges: 100, lockoutThreshold: 5, lockoutBaseSeconds: 1, lockoutMaxSeconds: 900,
    });
    assert.deepEqual(defaults.trustedProxies, []);
    const tuned = loadConfig({
      TITAN_RATE_LIMIT_WINDOW_SECONDS: '2', TITAN_RATE_LIMIT_PER_IP: '0', TITAN_RATE_LIMIT_PER_IDENTITY: '7', TITAN_RATE_LIMIT_ADMIN: '9',
      TITAN_MAX_OUTSTANDING_CHALLENGES: '3', TITAN_LOCKOUT_THRESHOLD: '0', TITAN_LOCKOUT_BASE_SECONDS: '2', TITAN_LOCKOUT_MAX_SECONDS: '8',
      TITAN_TRUSTED_PROXIES: '127.0.0.1, 10.0.0.0/8,fd00::/8,loopback',
    });
    assert.deepEqual(tuned.rateLimits, {
      windowSeconds: 2, perIp: 0, perIdentity: 7, admin: 9, maxOutstandingChallenges: 3, lockoutThreshold: 0, lockoutBaseSeconds: 2, lockoutMaxSeconds: 8,
    });
    assert.deepEqual(tuned.trustedProxies, ['127.0.0.1', '10.0.0.0/8', 'fd00::/8', 'loopback']);
  });

  it('derives the signing-key schedule and checks its inequality', () => {
    const c = loadConfig({ TITAN_SIGNING_ALGS: 'RS256, ES256', TITAN_KEY_ROTATION_DAYS: '2', TITAN_USER_TOKEN_TTL_SECONDS: '3600' });
    assert.deepEqual(c.signingAlgorithms, ['ES256', 'RS256']);
    assert.deepEqual(keyRotationSchedule(c), {
      rotationPeriodSeconds: 172_800, jwksMaxAgeSeconds: 300, maxTokenLifetimeSeconds: 3600, clockSkewSeconds: 30, propagationSeconds: KEY_REFRESH_SECONDS,
    });
    assert.deepEqual(loadConfig({}).signingAlgorithms, ['ES256']);
    assert.equal(loadConfig({}).keyRotationDays, 30);
    // The boundary: exactly L + S + M + 3D fits in one day.
    assert.equal(loadConfig({ TITAN_KEY_ROTATION_DAYS: '1', TITAN_USER_TOKEN_TTL_SECONDS: String(86_400 - 30 - 300 - 3 * KEY_REFRESH_SECONDS) }).keyRotationDays, 1);
    assert.throws(() => loadConfig({ TITAN_KEY_ROTATION_DAYS: '1', TITAN_USER_TOKEN_TTL_SECONDS: String(86_400 - 30 - 300 - 3 * KEY_REFRESH_SECONDS + 1) }), /TITAN_KEY_ROTATION_DAYS: .*too short/);
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
    [{ DATABASE_URL: 'postgres://localhost/titan', TITAN_KEK: KEK }, 'TITAN_SECRET_PEPPER'],
    [{ TITAN_SECRET_PEPPER: 'short' }, 'TITAN_SECRET_PEPPER'],
    [{ TITAN_DPOP_NONCE: 'sometimes' }, 'TITAN_DPOP_NONCE'],
    [{ REDIS_URL: 'http://x' }, 'REDIS_URL'],
    [{ TITAN_BOOTSTRAP_ADMIN_JWK: '{not json' }, 'TITAN_BOOTSTRAP_ADMIN_JWK'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
    [{ TITAN_KEY_ROTATION_DAYS: '0' }, 'TITAN_KEY_ROTATION_DAYS'],
    [{ TITAN_CLOCK_SKEW_SECONDS: '301' }, 'TITAN_CLOCK_SKEW_SECONDS'],
    [{ TITAN_SIGNING_ALGS: 'RS256' }, 'TITAN_SIGNING_ALGS'],
    [{ TITAN_SIGNING_ALGS: 'ES256,HS256' }, 'TITAN_SIGNING_ALGS'],
    [{ TITAN_SIGNING_ALGS: 'ES256,ES256' }, 'TITAN_SIGNING_ALGS'],
    // 1 day < 86400 s tokens + 30 s skew + 300 s max-age + 3 × 15 s refresh: a token could outlive its key.
    [{ TITAN_KEY_ROTATION_DAYS: '1', TITAN_USER_TOKEN_TTL_SECONDS: '86400' }, 'TITAN_KEY_ROTATION_DAYS'],
    [{ TITAN_KEY_ROTATION_DAYS: '1', TITAN_JWKS_MAX_AGE_SECONDS: '86400' }, 'TITAN_KEY_ROTATION_DAYS'],
    [{ TITAN_METRICS_TOKEN: 'too-short' }, 'TITAN_METRICS_TOKEN'],
    [{ TITAN_METRICS_TOKEN: 'a'.repeat(31) + ' ' }, 'TITAN_METRICS_TOKEN'],
    [{ TITAN_METRICS_PORT: '65536' }, 'TITAN_METRICS_PORT'],
    [{ TITAN_RATE_LIMIT_PER_IP: '-1' }, 'TITAN_RATE_LIMIT_PER_IP'],
    [{ TITAN_RATE_LIMIT_PER_IDENTITY: 'lots' }, 'TITAN_RATE_LIMIT_PER_IDENTITY'],
    [{ TITAN_RATE_LIMIT_ADMIN: '1.5' }, 'TITAN_RATE_LIMIT_ADMIN'],
    [{ TITAN_RATE_LIMIT_WINDOW_SECONDS: '0' }, 'TITAN_RATE_LIMIT_WINDOW_SECONDS'],
    [{ TITAN_MAX_OUTSTANDING_CHALLENGES: 'x' }, 'TITAN_MAX_OUTSTANDING_CHALLENGES'],
    [{ TITAN_LOCKOUT_THRESHOLD: '1001' }, 'TITAN_LOCKOUT_THRESHOLD'],
    [{ TITAN_LOCKOUT_BASE_SECONDS: '0' }, 'TITAN_LOCKOUT_BASE_SECONDS'],
    [{ TITAN_LOCKOUT_BASE_SECONDS: '60', TITAN_LOCKOUT_MAX_SECONDS: '30' }, 'TITAN_LOCKOUT_MAX_SECONDS'],
    [{ TITAN_TRUSTED_PROXIES: 'example.com' }, 'TITAN_TRUSTED_PROXIES'],
    [{ TITAN_TRUSTED_PROXIES: '10.0.0.0/33' }, 'TITAN_TRUSTED_PROXIES'],
    [{ TITAN_TRUSTED_PROXIES: 'fd00::/129' }, 'TITAN_TRUSTED_PROXIES'],
    [{ TITAN_TRUSTED_PROXIES: '10.0.0.1,,10.0.0.2' }, 'TITAN_TRUSTED_PROXIES'],
    [{ TITAN_TRUSTED_PROXIES: '10.0.0.1/8/1' }, 'TITAN_TRUSTED_PROXIES'],
  ];
  for (const [env, variable] of refusals) {
    it(`refuses ${JSON.stringify(env)} naming ${variable}`, () => {
      assert.throws(() => loadConfig(env), (e: unknown) => e instanceof ConfigError && e.variable === variable && e.message.startsWith(variable));
    });
  }
});

import { isIP } from 'node:net';
import { resolve } from 'node:path';
import { checkKeyRotationSchedule, SIGNING_ALGORITHMS, type KeyRotationSchedule, type SigningAlgorithm } from '@titan/domain';

/** Everything Titan reads from the environment, validated once at start-up (PRODUCT.md section 2). */
export interface TitanConfig {
  readonly port: number;
  readonly host: string;
  readonly issuer: string;
  readonly databaseUrl: string | undefined;
  /** PostgreSQL schema for Titan's tables (default `public`), so Titan can share a database. */
  readonly databaseSchema: string;
  readonly redisUrl: string | undefined;
  /** Prefix of every Redis key and channel (default `titan:`), so Titan can share a Redis. */
  readonly redisPrefix: string;
  readonly dataDir: string;
  /** Key-encryption key, unpadded base64url of 32 bytes; required with DATABASE_URL. */
  readonly kek: string | undefined;
  readonly challengeTtlSeconds: number;
  readonly serviceTokenTtlSeconds: number;
  readonly userTokenTtlSeconds: number;
  readonly jwksMaxAgeSeconds: number;
  /** Scheduled signing-key rotation period (ADR 0005). */
  readonly keyRotationDays: number;
  /** Clock skew Titan's verifier allows and the key schedule budgets for. */
  readonly clockSkewSeconds: number;
  /** Algorithms with a signing key; ES256 first (it signs access tokens), RS256 optional for legacy verifiers. */
  readonly signingAlgorithms: readonly SigningAlgorithm[];
  readonly cryptoLane: 'inline' | 'piscina';
  readonly bootstrapAdminJwk: unknown;
  /** Pepper of client-secret hashes and DPoP nonces, unpadded base64url of 32 bytes; required with DATABASE_URL. */
  readonly secretPepper: string | undefined;
  /** `required`: DPoP proofs at the token endpoints must carry a server nonce (RFC 9449 section 8). */
  readonly dpopNonce: 'required' | 'optional';
  /** Write every successful service-token mint to the audit log (default off: the hot path writes nothing). */
  readonly auditMints: boolean;
  /** Seconds between readiness turning red and the listener closing, so load balancers move away. */
  readonly shutdownDelaySeconds: number;
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Bearer token for `GET /metrics` on the main port; unset: /metrics is not served there. */
  readonly metricsToken: string | undefined;
  /** A separate listener serving only `/metrics` (0 picks a free port); unset: none. */
  readonly metricsPort: number | undefined;
  /** Where that listener binds (default `127.0.0.1`: not reachable from other hosts). */
  readonly metricsHost: string;
  /** Rate limits, outstanding-challenge cap and proof lockout (docs/operations.md, "Rate limits and lockout"). */
  readonly rateLimits: RateLimitConfig;
  /** Proxies whose X-Forwarded-For is believed (IPs, CIDRs, loopback/linklocal/uniquelocal); empty: none. */
  readonly trustedProxies: readonly string[];
}

export interface RateLimitConfig {
  /** Fixed window of the per-address and per-identity limits. */
  readonly windowSeconds: number;
  /** Per client address, for each of challenge, native token, OAuth token and introspection; 0: off. */
  readonly perIp: number;
  /** Tokens issued per identity (both token endpoints together); 0: off. */
  readonly perIdentity: number;
  /** Admin endpoints, per client address and per admin identity; 0: off. */
  readonly admin: number;
  /** Unredeemed challenges per identity and client address; 0: no cap. */
  readonly maxOutstandingChallenges: number;
  /** Failed proofs per (identity, address) before the first lock; 0: no lockout. */
  readonly lockoutThreshold: number;
  readonly lockoutBaseSeconds: number;
  readonly lockoutMaxSeconds: number;
}

/** A configuration problem, always naming the variable. */
export class ConfigError extends Error {
  constructor(readonly variable: string, problem: string) {
    super(`${variable}: ${problem}`);
  }
}

type Env = Readonly<Record<string, string | undefined>>;

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw)) throw new ConfigError(name, `must be a whole number, got "${raw}"`);
  const value = Number(raw);
  if (value < min || value > max) throw new ConfigError(name, `must be between ${min} and ${max}, got ${value}`);
  return value;
}

function oneOf<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!(allowed as readonly string[]).includes(raw)) throw new ConfigError(name, `must be one of ${allowed.join(', ')}, got "${raw}"`);
  return raw as T;
}

function url(env: Env, name: string, protocols: readonly string[]): string | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigError(name, 'is not a valid URL');
  }
  if (!protocols.includes(parsed.protocol)) throw new ConfigError(name, `must use ${protocols.join(' or ')}`);
  return raw;
}

function issuer(env: Env, port: number): string {
  const value = env['TITAN_ISSUER'] || `http://localhost:${port}`;
  if (value.endsWith('/')) throw new ConfigError('TITAN_ISSUER', 'must not end with "/" (it is used verbatim in tokens)');
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    throw new ConfigError('TITAN_ISSUER', 'is not a valid URL');
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw new ConfigError('TITAN_ISSUER', 'must be an http(s) URL');
  if (parsed.search || parsed.hash) throw new ConfigError('TITAN_ISSUER', 'must not have a query or fragment');
  return value;
}

function identifier(env: Env, name: string, fallback: string): string {
  const raw = env[name] || fallback;
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(raw)) throw new ConfigError(name, 'must be a lower-case SQL identifier');
  return raw;
}

function redisPrefix(env: Env): string {
  const raw = env['TITAN_REDIS_PREFIX'] ?? 'titan:';
  if (!/^[\x21-\x7e]{0,64}$/.test(raw)) throw new ConfigError('TITAN_REDIS_PREFIX', 'must be at most 64 visible ASCII characters');
  return raw;
}

function bootstrapJwk(env: Env): unknown {
  const raw = env['TITAN_BOOTSTRAP_ADMIN_JWK'];
  if (raw === undefined || raw === '') return undefined;
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    throw new ConfigError('TITAN_BOOTSTRAP_ADMIN_JWK', 'is not valid JSON (expected a public JWK)');
  }
}

function signingAlgorithms(env: Env): SigningAlgorithm[] {
  const raw = env['TITAN_SIGNING_ALGS'];
  if (raw === undefined || raw === '') return ['ES256'];
  const names = raw.split(',').map((s) => s.trim());
  for (const name of names) {
    if (!(SIGNING_ALGORITHMS as readonly string[]).includes(name)) throw new ConfigError('TITAN_SIGNING_ALGS', `must list ES256 and optionally RS256, got "${name}"`);
  }
  if (new Set(names).size !== names.length) throw new ConfigError('TITAN_SIGNING_ALGS', 'lists an algorithm twice');
  if (!names.includes('ES256')) throw new ConfigError('TITAN_SIGNING_ALGS', 'must include ES256, which signs access tokens');
  return ['ES256', ...(names.filter((n) => n !== 'ES256') as SigningAlgorithm[])];
}

/** How often every instance refreshes its signing keys and runs due rotations: the propagation delay D of ADR 0005. */
export const KEY_REFRESH_SECONDS = 15;

/** The signing-key schedule a configuration implies (ADR 0005). */
export function keyRotationSchedule(config: Pick<TitanConfig, 'keyRotationDays' | 'jwksMaxAgeSeconds' | 'serviceTokenTtlSeconds' | 'userTokenTtlSeconds' | 'clockSkewSeconds'>): KeyRotationSchedule {
  return {
    rotationPeriodSeconds: config.keyRotationDays * 86_400,
    jwksMaxAgeSeconds: config.jwksMaxAgeSeconds,
    maxTokenLifetimeSeconds: Math.max(config.serviceTokenTtlSeconds, config.userTokenTtlSeconds),
    clockSkewSeconds: config.clockSkewSeconds,
    propagationSeconds: KEY_REFRESH_SECONDS,
  };
}

const SCHEDULE_VARIABLE: Record<keyof KeyRotationSchedule, string> = {
  rotationPeriodSeconds: 'TITAN_KEY_ROTATION_DAYS',
  jwksMaxAgeSeconds: 'TITAN_JWKS_MAX_AGE_SECONDS',
  maxTokenLifetimeSeconds: 'TITAN_USER_TOKEN_TTL_SECONDS',
  clockSkewSeconds: 'TITAN_CLOCK_SKEW_SECONDS',
  propagationSeconds: 'TITAN_KEY_ROTATION_DAYS',
};

/** Refuses a schedule under which a token could outlive its key's publication, or a key sign before one cache period. */
function withKeySchedule(config: TitanConfig): TitanConfig {
  const checked = checkKeyRotationSchedule(keyRotationSchedule(config));
  if (!checked.ok) {
    throw new ConfigError(
      SCHEDULE_VARIABLE[checked.error.field],
      `${checked.error.message} (token lifetimes: TITAN_SERVICE_TOKEN_TTL_SECONDS, TITAN_USER_TOKEN_TTL_SECONDS; skew: TITAN_CLOCK_SKEW_SECONDS; max-age: TITAN_JWKS_MAX_AGE_SECONDS)`,
    );
  }
  return config;
}

export function loadConfig(env: Env = process.env): TitanConfig {
  const port = integer(env, 'PORT', 8000, 0, 65535);
  const databaseUrl = url(env, 'DATABASE_URL', ['postgres:', 'postgresql:']);
  const kek = env['TITAN_KEK'] || undefined;
  if (kek !== undefined && !/^[A-Za-z0-9_-]{43}$/.test(kek)) {
    throw new ConfigError('TITAN_KEK', 'must be 32 bytes as unpadded base64url (43 characters); generate one with `openssl rand 32 | basenc --base64url | tr -d =`');
  }
  if (databaseUrl && !kek) {
    throw new ConfigError('TITAN_KEK', 'is required with DATABASE_URL: every instance must decrypt the same signing keys');
  }
  const secretPepper = env['TITAN_SECRET_PEPPER'] || undefined;
  if (secretPepper !== undefined && !/^[A-Za-z0-9_-]{43}$/.test(secretPepper)) {
    throw new ConfigError('TITAN_SECRET_PEPPER', 'must be 32 bytes as unpadded base64url (43 characters); generate one like TITAN_KEK');
  }
  if (databaseUrl && !secretPepper) {
    throw new ConfigError('TITAN_SECRET_PEPPER', 'is required with DATABASE_URL: every instance must check the same client secrets and DPoP nonces');
  }
  const serviceTokenTtlSeconds = integer(env, 'TITAN_SERVICE_TOKEN_TTL_SECONDS', 600, 60, 3600);
  return withKeySchedule({
    port,
    host: env['HOST'] || '0.0.0.0',
    issuer: issuer(env, port),
    databaseUrl,
    databaseSchema: identifier(env, 'TITAN_DATABASE_SCHEMA', 'public'),
    redisUrl: url(env, 'REDIS_URL', ['redis:', 'rediss:', 'redis+sentinel:']),
    redisPrefix: redisPrefix(env),
    dataDir: resolve(env['TITAN_DATA_DIR'] || './data'),
    kek,
    challengeTtlSeconds: integer(env, 'TITAN_CHALLENGE_TTL_SECONDS', 60, 1, 300),
    serviceTokenTtlSeconds,
    userTokenTtlSeconds: integer(env, 'TITAN_USER_TOKEN_TTL_SECONDS', 900, 60, 86400),
    jwksMaxAgeSeconds: integer(env, 'TITAN_JWKS_MAX_AGE_SECONDS', 300, 0, 86400),
    keyRotationDays: integer(env, 'TITAN_KEY_ROTATION_DAYS', 30, 1, 365),
    clockSkewSeconds: integer(env, 'TITAN_CLOCK_SKEW_SECONDS', 30, 0, 300),
    signingAlgorithms: signingAlgorithms(env),
    cryptoLane: oneOf(env, 'TITAN_CRYPTO_LANE', ['inline', 'piscina'] as const, 'inline'),
    bootstrapAdminJwk: bootstrapJwk(env),
    secretPepper,
    dpopNonce: oneOf(env, 'TITAN_DPOP_NONCE', ['required', 'optional'] as const, 'optional'),
    auditMints: oneOf(env, 'TITAN_AUDIT_MINTS', ['true', 'false'] as const, 'false') === 'true',
    shutdownDelaySeconds: integer(env, 'TITAN_SHUTDOWN_DELAY_SECONDS', 0, 0, 120),
    logLevel: oneOf(env, 'LOG_LEVEL', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const, 'info'),
    metricsToken: metricsToken(env),
    metricsPort: env['TITAN_METRICS_PORT'] ? integer(env, 'TITAN_METRICS_PORT', 0, 0, 65535) : undefined,
    metricsHost: env['TITAN_METRICS_HOST'] || '127.0.0.1',
    rateLimits: rateLimits(env),
    trustedProxies: trustedProxies(env),
  });
}

/** Defaults and their reasoning: docs/operations.md, "Rate limits and lockout". */
function rateLimits(env: Env): RateLimitConfig {
  const lockoutBaseSeconds = integer(env, 'TITAN_LOCKOUT_BASE_SECONDS', 1, 1, 3600);
  const lockoutMaxSeconds = integer(env, 'TITAN_LOCKOUT_MAX_SECONDS', 900, 1, 86_400);
  if (lockoutMaxSeconds < lockoutBaseSeconds) {
    throw new ConfigError('TITAN_LOCKOUT_MAX_SECONDS', `must be at least TITAN_LOCKOUT_BASE_SECONDS (${lockoutBaseSeconds})`);
  }
  return {
    windowSeconds: integer(env, 'TITAN_RATE_LIMIT_WINDOW_SECONDS', 60, 1, 3600),
    perIp: integer(env, 'TITAN_RATE_LIMIT_PER_IP', 600_000, 0, 100_000_000),
    perIdentity: integer(env, 'TITAN_RATE_LIMIT_PER_IDENTITY', 120_000, 0, 100_000_000),
    admin: integer(env, 'TITAN_RATE_LIMIT_ADMIN', 30_000, 0, 100_000_000),
    maxOutstandingChallenges: integer(env, 'TITAN_MAX_OUTSTANDING_CHALLENGES', 100, 0, 1_000_000),
    lockoutThreshold: integer(env, 'TITAN_LOCKOUT_THRESHOLD', 5, 0, 1000),
    lockoutBaseSeconds,
    lockoutMaxSeconds,
  };
}

const NAMED_PROXY_RANGES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/** `TITAN_TRUSTED_PROXIES`: IPv4/IPv6 addresses, CIDR ranges, or loopback / linklocal / uniquelocal. */
function trustedProxies(env: Env): string[] {
  const raw = env['TITAN_TRUSTED_PROXIES'];
  if (raw === undefined || raw.trim() === '') return [];
  const entries = raw.split(',').map((s) => s.trim());
  for (const entry of entries) {
    if (NAMED_PROXY_RANGES.has(entry)) continue;
    const [address, bits, extra] = entry.split('/');
    const family = isIP(address ?? '');
    const bitsOk = bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128));
    if (family === 0 || !bitsOk || extra !== undefined) {
      throw new ConfigError('TITAN_TRUSTED_PROXIES', `"${entry}" is not an IP address, a CIDR range or one of loopback, linklocal, uniquelocal`);
    }
  }
  return entries;
}

function metricsToken(env: Env): string | undefined {
  const raw = env['TITAN_METRICS_TOKEN'];
  if (raw === undefined || raw === '') return undefined;
  if (!/^[\x21-\x7e]{32,256}$/.test(raw)) {
    throw new ConfigError('TITAN_METRICS_TOKEN', 'must be 32 to 256 visible ASCII characters; generate one with `openssl rand -hex 32`');
  }
  return raw;
}

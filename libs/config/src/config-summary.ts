import type { TitanConfig } from './config';

/** Where a URL points, without its credentials. */
function endpoint(url: string): string {
  const parsed = new URL(url);
  return `${parsed.protocol}//${parsed.host}${parsed.pathname === '/' ? '' : parsed.pathname}`;
}

/**
 * A readable account of the effective configuration for operators (`titan config check`). Secrets
 * (KEK, pepper, metrics token, passwords in URLs) are reported as set or unset, never shown.
 */
export function summariseConfig(config: TitanConfig): Record<string, string> {
  const set = (value: unknown): string => (value === undefined ? 'unset' : 'set (hidden)');
  return {
    mode: config.databaseUrl ? 'production (PostgreSQL)' : `embedded (${config.dataDir})`,
    listen: `${config.host}:${config.port}`,
    issuer: config.issuer,
    database: config.databaseUrl ? `${endpoint(config.databaseUrl)} schema ${config.databaseSchema}` : `PGlite in ${config.dataDir}`,
    redis: config.redisUrl ? `${endpoint(config.redisUrl)} prefix ${config.redisPrefix}` : 'in memory',
    kek: config.kek ? 'set (hidden)' : config.databaseUrl ? 'unset' : `file ${config.dataDir}/kek`,
    secretPepper: config.secretPepper ? 'set (hidden)' : config.databaseUrl ? 'unset' : 'derived from the KEK',
    lifetimes: `challenge ${config.challengeTtlSeconds}s, service token ${config.serviceTokenTtlSeconds}s, user token ${config.userTokenTtlSeconds}s`,
    signingKeys: `${config.signingAlgorithms.join(', ')}, rotation every ${config.keyRotationDays} d, JWKS max-age ${config.jwksMaxAgeSeconds}s, skew ${config.clockSkewSeconds}s`,
    cryptoLane: config.cryptoLane,
    dpopNonce: config.dpopNonce,
    rateLimits: `per IP ${config.rateLimits.perIp}, per identity ${config.rateLimits.perIdentity}, admin ${config.rateLimits.admin} per ${config.rateLimits.windowSeconds}s`,
    trustedProxies: config.trustedProxies.length ? config.trustedProxies.join(', ') : 'none (socket address)',
    metrics: config.metricsPort !== undefined ? `listener ${config.metricsHost}:${config.metricsPort}` : config.metricsToken ? 'main port, bearer token' : 'not exposed',
    metricsToken: set(config.metricsToken),
    bootstrapAdmin: config.bootstrapAdminJwk === undefined ? 'unset' : 'set',
    auditMints: String(config.auditMints),
    shutdownDelay: `${config.shutdownDelaySeconds}s`,
    logLevel: config.logLevel,
  };
}

import {
  AbuseControl, AddIdentityKeyUseCase, BootstrapAdminUseCase, ChallengeUseCase, GetIdentityUseCase,
  GetJwksUseCase, IdentityReader, IssueAccessToken, ListAuditUseCase, ListIdentitiesUseCase, MintTokenUseCase, RegisterIdentityUseCase,
  RetireIdentityKeyUseCase, RevokeIdentityUseCase, ListSigningKeysUseCase, RevokeSigningKeyUseCase, RotateSigningKeysUseCase,
  type ChallengeStore, type IdentityChangeBus, type RateLimiterFactory, type TokenPolicy,
} from '@titan/application';
import type { HttpUseCases, ReadinessCheck } from '@titan/adapter-http';
import { TypeormAuditTrail, createPersistence } from '@titan/adapter-persistence';
import {
  InMemoryChallengeStore, InMemoryRateLimiterFactory, InProcessIdentityChangeBus, RedisChallengeStore, RedisIdentityChangeBus,
  RedisRateLimiterFactory, closeRedisConnection, createRedisConnection, pingRedis, type RedisClient,
} from '@titan/adapter-stores';
import { CryptoRandom, NodeDigest, PiscinaCryptoLane, SystemClock, createCryptoLane } from '@titan/adapter-crypto-lane';
import { MeasuredCryptoLane, TitanMetrics, instrumentUseCases } from '@titan/adapter-observability';
import { KeyEncryption, LocalTokenVerifier, SigningKeyRing, loadKeyEncryptionKey, startPeriodicTask } from '@titan/adapter-ca';
import type { Logger } from 'pino';
import { ConfigError, KEY_REFRESH_SECONDS, keyRotationSchedule, type TitanConfig } from '@titan/config';
import { composeOAuth } from './oauth.composition';

/** Identities stay cached at most this long even if a change message is lost. */
const IDENTITY_CACHE_MAX_AGE_MS = 30_000;
const IDENTITY_CACHE_MAX_ENTRIES = 100_000;
/** Failed proofs of an (identity, address) pair are remembered this long after the first one. */
const PROOF_FAILURE_MEMORY_SECONDS = 86_400;

export interface Titan {
  readonly mode: 'embedded' | 'production';
  readonly useCases: HttpUseCases;
  readonly readinessChecks: readonly ReadinessCheck[];
  /** Every metric of this instance; the server exposes it at /metrics. */
  readonly metrics: TitanMetrics;
  /** Rate limits, outstanding-challenge cap and proof lockout, for the HTTP guards. */
  readonly abuse: AbuseControl;
  /** Closes everything in reverse order of opening. */
  close(): Promise<void>;
}

/**
 * The composition root: picks an adapter for every port from the configuration and builds the use
 * cases. No rules live here, only wiring (PRODUCT.md section 2 for the modes).
 */
export async function composeTitan(config: TitanConfig, logger: Logger): Promise<Titan> {
  const closers: Array<() => Promise<void>> = [];
  const close = async (): Promise<void> => {
    for (const closer of closers.reverse()) {
      await closer().catch((error: unknown) => logger.error({ err: error }, 'error while closing'));
    }
  };
  const metrics = new TitanMetrics();
  try {
    const clock = new SystemClock();
    const random = new CryptoRandom();
    const digest = new NodeDigest();
    const policy: TokenPolicy = {
      issuer: config.issuer,
      challengeTtlSeconds: config.challengeTtlSeconds,
      serviceTokenTtlSeconds: config.serviceTokenTtlSeconds,
    };

    const persistence = await createPersistence({
      databaseUrl: config.databaseUrl,
      schema: config.databaseUrl ? config.databaseSchema : undefined,
      dataDir: config.dataDir,
      clock,
    });
    closers.push(() => persistence.close());

    let challenges: ChallengeStore;
    let bus: IdentityChangeBus;
    let rateLimiters: RateLimiterFactory;
    let sharedRedis: RedisClient | undefined;
    const readinessChecks: ReadinessCheck[] = [{ name: 'database', check: () => persistence.ping() }];
    if (config.redisUrl) {
      const redis = createRedisConnection(config.redisUrl, {
        connectionName: 'titan',
        onError: (error) => {
          metrics.dependencyFailed('redis', 'connection');
          logger.warn({ err: { message: error.message } }, 'redis connection error');
        },
      });
      closers.push(() => closeRedisConnection(redis));
      sharedRedis = redis;
      const redisLimiters = new RedisRateLimiterFactory(redis, { prefix: config.redisPrefix });
      rateLimiters = redisLimiters;
      // With the limiters' factory, each handshake step's checks and challenge operation are one script.
      challenges = new RedisChallengeStore(redis, { prefix: config.redisPrefix, rateLimiters: redisLimiters });
      bus = new RedisIdentityChangeBus(redis, {
        prefix: config.redisPrefix,
        onError: (error) => logger.warn({ err: { message: (error as Error).message } }, 'identity change bus error'),
      });
      readinessChecks.push({
        name: 'redis',
        check: async () => {
          if (!(await pingRedis(redis))) throw new Error('redis did not answer');
        },
      });
    } else {
      const memory = new InMemoryChallengeStore();
      closers.push(async () => memory.close());
      challenges = memory;
      rateLimiters = new InMemoryRateLimiterFactory();
      bus = new InProcessIdentityChangeBus();
    }
    closers.push(() => bus.close());

    const innerLane = createCryptoLane(config.cryptoLane);
    if (innerLane instanceof PiscinaCryptoLane) metrics.setQueueDepthSource(() => innerLane.queueDepth);
    const lane = new MeasuredCryptoLane(innerLane, config.cryptoLane, metrics);
    closers.push(() => lane.close());

    // Production instances share signing keys, so they must share the KEK (config requires TITAN_KEK there).
    const kek = await loadKeyEncryptionKey({ kekEnv: config.kek, dataDir: config.databaseUrl ? undefined : config.dataDir });
    const keyRing = new SigningKeyRing(
      { repository: persistence.signingKeys, lane, clock, encryption: new KeyEncryption(kek) },
      { algorithms: config.signingAlgorithms, schedule: keyRotationSchedule(config) },
    );
    // Creates the first keys and runs due rotations (audited), then again every KEY_REFRESH_SECONDS on
    // every instance, which is also how each instance sees the others' changes (ADR 0005).
    const rotateSigningKeys = new RotateSigningKeysUseCase(keyRing);
    const runKeySchedule = async (): Promise<void> => {
      const outcome = await rotateSigningKeys.execute({ trigger: 'schedule' });
      if (outcome.ok && outcome.value.length > 0) logger.info({ transitions: outcome.value }, 'signing keys changed');
    };
    await runKeySchedule();
    await keyRing.init();
    const keySchedule = startPeriodicTask(KEY_REFRESH_SECONDS * 1000, runKeySchedule, (error) =>
      logger.warn({ err: { message: error instanceof Error ? error.message : String(error) } }, 'signing-key refresh failed; retrying'),
    );
    closers.push(() => keySchedule.stop());
    readinessChecks.push({ name: 'signing_key', check: async () => void keyRing.activeKid() });
    metrics.setSigningKeySource(() => persistence.signingKeys.list());

    const reader = new IdentityReader(persistence.identities, bus, {
      maxAgeMs: IDENTITY_CACHE_MAX_AGE_MS,
      maxEntries: IDENTITY_CACHE_MAX_ENTRIES,
      nowMs: () => clock.now().getTime(),
    });
    await reader.start();

    const identities = persistence.identities;
    const audit = persistence.audit;
    if (config.bootstrapAdminJwk !== undefined) {
      const outcome = await new BootstrapAdminUseCase(identities, digest, clock).execute(config.bootstrapAdminJwk, 'TITAN_BOOTSTRAP_ADMIN_JWK');
      if (!outcome.ok) throw new ConfigError('TITAN_BOOTSTRAP_ADMIN_JWK', outcome.error.message);
      logger.info({ outcome: outcome.value }, 'admin bootstrap');
    }

    const limits = config.rateLimits;
    const abuse = new AbuseControl(rateLimiters, {
      windowSeconds: limits.windowSeconds,
      perAddress: { challenge: limits.perIp, token: limits.perIp, oauth_token: limits.perIp, introspect: limits.perIp, revoke: limits.perIp, admin: limits.admin },
      // A caller of introspection gets the budget of an address: gateways introspect at request rate.
      perIdentity: { token: limits.perIdentity, introspect: limits.perIp, admin: limits.admin },
      outstandingChallenges: limits.maxOutstandingChallenges,
      challengeTtlSeconds: config.challengeTtlSeconds,
      lockout: {
        threshold: limits.lockoutThreshold,
        baseLockSeconds: limits.lockoutBaseSeconds,
        maxLockSeconds: limits.lockoutMaxSeconds,
        memorySeconds: PROOF_FAILURE_MEMORY_SECONDS,
      },
    }, audit, metrics);

    const issueToken = new IssueAccessToken(keyRing, random, clock, policy, config.auditMints ? audit : undefined);
    const tokenVerifier = new LocalTokenVerifier(keyRing, clock, {
      issuer: config.issuer,
      maxTokenLifetimeSeconds: Math.max(config.serviceTokenTtlSeconds, config.userTokenTtlSeconds),
      clockToleranceSeconds: config.clockSkewSeconds,
    });
    const oauth = composeOAuth({
      config, redis: sharedRedis, kek, reader, lane, verifier: tokenVerifier, issueToken, clock, random, digest, policy, audit, abuse,
      onClose: (closer) => closers.push(closer),
    });

    const useCases: HttpUseCases = {
      registerIdentity: new RegisterIdentityUseCase(identities, digest, clock, oauth.clientSecrets),
      getIdentity: new GetIdentityUseCase(identities),
      listIdentities: new ListIdentitiesUseCase(identities),
      addIdentityKey: new AddIdentityKeyUseCase(identities, reader, digest, clock),
      retireIdentityKey: new RetireIdentityKeyUseCase(identities, reader),
      revokeIdentity: new RevokeIdentityUseCase(identities, reader, clock),
      challenge: new ChallengeUseCase(reader, challenges, oauth.decoyChallenges, random, clock, policy, abuse),
      mintToken: new MintTokenUseCase(reader, challenges, oauth.decoyChallenges, lane, issueToken, clock, policy, audit, oauth.dpopProofs, abuse),
      getJwks: new GetJwksUseCase(keyRing),
      listSigningKeys: new ListSigningKeysUseCase(persistence.signingKeys, keyRing.policy),
      rotateSigningKeys,
      revokeSigningKey: new RevokeSigningKeyUseCase(keyRing),
      authorizeBearer: oauth.authorizeBearer,
      oauthToken: oauth.oauthToken,
      introspectToken: oauth.introspectToken,
      revokeToken: oauth.revokeToken,
      serverMetadata: oauth.serverMetadata,
      dpopProofs: oauth.dpopProofs,
      listAudit: new ListAuditUseCase(new TypeormAuditTrail(persistence.dataSource)),
    };
    return {
      mode: config.databaseUrl ? 'production' : 'embedded',
      // A span per use case (`usecase MintToken`), latency and outcome metrics; the use cases know nothing of it.
      useCases: instrumentUseCases(useCases, { metrics }),
      readinessChecks: readinessChecks.map((c) => ({
        name: c.name,
        check: () => c.check().catch((error: unknown) => {
          metrics.dependencyFailed(c.name, 'readiness');
          throw error;
        }),
      })),
      metrics,
      abuse,
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

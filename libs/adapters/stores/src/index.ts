/**
 * @titan/adapter-stores: short-lived shared state (challenges, single-use keys) and the identity
 * change bus, in memory for the embedded mode and in Redis (ioredis) for several instances.
 * Wiring and shutdown order: see this package's README.md.
 */
export {
  createRedisConnection, pingRedis, closeRedisConnection,
  type RedisClient, type RedisConnectionOptions,
} from './redis/redis-connection';
export { StoreUnavailableError } from './redis/store-unavailable.error';
export { ExpiringMap, type ExpiringMapOptions } from './shared/expiring-map';
export { InMemoryChallengeStore } from './challenge/challenge-store.memory';
export { RedisChallengeStore, type RedisChallengeStoreOptions } from './challenge/challenge-store.redis';
export { InMemoryReplayStore } from './replay/replay-store.memory';
export { RedisReplayStore, type RedisReplayStoreOptions } from './replay/replay-store.redis';
export { InMemoryTokenDenylist } from './denylist/token-denylist.memory';
export { RedisTokenDenylist, type RedisTokenDenylistOptions } from './denylist/token-denylist.redis';
export {
  InProcessIdentityChangeBus, type InProcessIdentityChangeBusOptions,
} from './identity-change-bus/identity-change-bus.in-process';
export {
  RedisIdentityChangeBus, type RedisIdentityChangeBusOptions,
} from './identity-change-bus/identity-change-bus.redis';
export type { IdentityChangeListener } from './identity-change-bus/listener-set';
export { InMemoryRateLimiterFactory } from './rate-limit/rate-limiter.memory';
export { RedisRateLimiterFactory, type RedisRateLimiterFactoryOptions } from './rate-limit/rate-limiter.redis';

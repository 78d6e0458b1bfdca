/**
 * @titan/adapter-stores: short-lived shared state (challenges, single-use keys) and the identity
 * change bus, in memory for the embedded mode and in Redis (ioredis) for several instances.
 */
export * from './redis/redis-connection';
export * from './redis/store-unavailable.error';
export * from './shared/expiring-map';
export * from './challenge/challenge-store.memory';
export * from './challenge/challenge-store.redis';
export * from './replay/replay-store.port';
export * from './replay/replay-store.memory';
export * from './replay/replay-store.redis';
export * from './identity-change-bus/identity-change-bus.in-process';
export * from './identity-change-bus/identity-change-bus.redis';
export type { IdentityChangeListener } from './identity-change-bus/listener-set';

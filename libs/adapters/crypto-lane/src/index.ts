/**
 * @titan/adapter-crypto-lane: Node platform adapters (clock, randomness, digest) and the crypto lanes
 * that run ECDSA verification and JWS signing inline or in Piscina worker threads.
 */
export * from './system-clock.adapter';
export * from './crypto-random.adapter';
export * from './node-digest.adapter';
export * from './lru-cache';
export * from './ecdsa-p256';
export * from './ecdsa-der.converter';
export { CryptoOperations, type CryptoOperationsOptions, type LaneAlgorithm } from './crypto-lane.operations';
export * from './inline-crypto-lane.adapter';
export * from './piscina-crypto-lane.adapter';
export * from './crypto-lane.factory';
export * from './hmac-mac.adapter';

/**
 * @titan/domain: Titan's entities and value objects. Pure TypeScript: no framework, no I/O,
 * no clock and no randomness of its own (callers pass `now` and random bytes in).
 */
export * from './shared';
export * from './identity';
export * from './challenge';
export * from './token';

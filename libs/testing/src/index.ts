export * from './infra';
export * from './postgres-schema';
export * from './redis-prefix';
export * from './manual-clock';
export * from './wycheproof';

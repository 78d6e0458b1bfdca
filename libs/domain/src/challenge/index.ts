export * from './nonce';
export * from './challenge';

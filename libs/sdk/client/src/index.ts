/**
 * @titan/client: obtains Titan access tokens by proof of possession of a P-256 key, caches them and
 * renews them before expiry. Runs in Node (node:crypto), browsers and edge runtimes (WebCrypto or
 * @noble/curves).
 */
export * from './titan-client';
export * from './titan-client-error';
export * from './proof-signer';
export * from './node-key-signer';
export * from './webcrypto-signer';
export * from './noble-signer';
export { requestJson, type FetchFunction } from './http-json';

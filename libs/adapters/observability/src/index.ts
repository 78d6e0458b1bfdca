/**
 * @titan/adapter-observability: Prometheus metrics (prom-client), the use-case and crypto-lane
 * instrumentation that feeds them and opens OpenTelemetry spans, the access log, and the
 * `/metrics` endpoint. Depends on `@opentelemetry/api` only: the SDK is the app shell's business.
 */
export * from './metrics/bounded-label';
export * from './metrics/titan-metrics';
export * from './use-cases/instrument-use-cases';
export * from './crypto-lane/measured-crypto-lane';
export * from './http/http-observability';
export * from './http/metrics-endpoint';

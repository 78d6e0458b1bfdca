/**
 * Counters that adapters feed for operators; the observability adapter exports them as Prometheus
 * metrics. Every label comes from a small fixed set chosen by the caller in code: never an identity
 * id, an IP address, a token or anything else a client controls.
 */
export interface OperationalMetrics {
  /** A request refused by a rate limit; `limiter` names the limit, e.g. `challenge_per_ip`. */
  rateLimitRejected(limiter: string): void;
  /** A dependency call that failed or timed out: `database`, `redis`, `crypto_lane`, ... */
  dependencyFailed(dependency: string): void;
}
export const OperationalMetrics = Symbol('OperationalMetrics');

/** For tests and tools that export no metrics. */
export const noOperationalMetrics: OperationalMetrics = {
  rateLimitRejected: () => undefined,
  dependencyFailed: () => undefined,
};

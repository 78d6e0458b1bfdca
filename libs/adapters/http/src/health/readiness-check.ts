/** One dependency the instance needs to serve tokens (database, Redis, signing key). */
export interface ReadinessCheck {
  readonly name: string;
  /** Resolves when healthy, throws (or times out) otherwise. */
  check(): Promise<void>;
}
export const READINESS_CHECKS = Symbol('READINESS_CHECKS');

/** Set when the server begins shutting down: readiness drops first so load balancers move away. */
export interface DrainState {
  readonly draining: boolean;
}
export const DRAIN_STATE = Symbol('DRAIN_STATE');

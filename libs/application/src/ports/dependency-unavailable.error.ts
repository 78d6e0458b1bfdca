/**
 * Thrown by adapters when a dependency (database, Redis, worker pool) cannot answer in time.
 * Callers fail closed: the HTTP adapter answers `503 unavailable`, nothing is minted.
 */
export class DependencyUnavailableError extends Error {
  constructor(readonly dependency: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DependencyUnavailableError';
  }
}

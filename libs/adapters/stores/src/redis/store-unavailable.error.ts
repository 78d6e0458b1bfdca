import { DependencyUnavailableError } from '@titan/application';

/**
 * Thrown when a store cannot answer (Redis down, timed out, failing over). An infrastructure
 * failure, not an expected outcome: the HTTP layer answers `503 unavailable` for every
 * DependencyUnavailableError.
 */
export class StoreUnavailableError extends DependencyUnavailableError {
  readonly code = 'unavailable' as const;

  constructor(operation: string, cause: unknown) {
    super('redis', `store unavailable: ${operation} failed`, { cause });
    this.name = 'StoreUnavailableError';
  }
}

/** Runs one Redis call, turning whatever it throws into a StoreUnavailableError. */
export async function storeCall<T>(operation: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw new StoreUnavailableError(operation, error);
  }
}

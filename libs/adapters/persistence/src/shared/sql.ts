import { QueryFailedError, type DataSource, type QueryResult, type QueryRunner } from 'typeorm';
import type { Result } from '@titan/domain';
import { asDatabaseFailure } from './database-unavailable';

/** Rows of a statement, whatever its command (TypeORM reshapes UPDATE/DELETE results otherwise). */
export async function rows<T>(runner: QueryRunner, text: string, params: unknown[] = []): Promise<T[]> {
  const result = (await runner.query(text, params, true)) as QueryResult<T>;
  return result.records ?? [];
}

/** Number of rows a statement touched. */
export async function affected(runner: QueryRunner, text: string, params: unknown[] = []): Promise<number> {
  const result = (await runner.query(text, params, true)) as QueryResult;
  return result.affected ?? 0;
}

/**
 * Runs `work` on a connection of its own and gives the connection back. A lost or unreachable
 * database surfaces as DependencyUnavailableError, so callers fail closed with 503.
 */
export async function withRunner<T>(dataSource: DataSource, work: (runner: QueryRunner) => Promise<T>): Promise<T> {
  const runner = dataSource.createQueryRunner();
  try {
    return await work(runner);
  } catch (error) {
    throw asDatabaseFailure(error);
  } finally {
    await runner.release().catch(() => undefined);
  }
}

/**
 * Runs `work` in one transaction: committed when it returns `ok`, rolled back when it returns an
 * error or throws.
 */
export function inTransaction<T, E>(dataSource: DataSource, work: (runner: QueryRunner) => Promise<Result<T, E>>): Promise<Result<T, E>> {
  return withRunner(dataSource, async (runner) => {
    await runner.startTransaction();
    let outcome: Result<T, E>;
    try {
      outcome = await work(runner);
    } catch (error) {
      await runner.rollbackTransaction().catch(() => undefined);
      throw error;
    }
    if (outcome.ok) await runner.commitTransaction();
    else await runner.rollbackTransaction();
    return outcome;
  });
}

/** The constraint a statement violated, if it failed on a unique or primary key. */
export function uniqueViolation(error: unknown): string | null {
  if (!(error instanceof QueryFailedError)) return null;
  const driverError = (error as QueryFailedError & { driverError?: { code?: string; constraint?: string } }).driverError;
  return driverError?.code === '23505' ? (driverError.constraint ?? '') : null;
}

/** PostgreSQL returns bigint as text (pg by default, PGlite by our parser): numbers below 2^53 are exact. */
export const toSafeInteger = (value: string | number): number => {
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new Error(`integer out of range: ${value}`);
  return n;
};

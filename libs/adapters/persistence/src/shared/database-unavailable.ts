import { DependencyUnavailableError } from '@titan/application';
import { QueryFailedError } from 'typeorm';

// SQLSTATE classes that mean "the database cannot serve us now", not "the statement is wrong":
// 08 connection exception, 53 insufficient resources, 57 operator intervention (shutdown,
// statement timeout, cancel), 40P01 deadlock is *not* here (it is a retryable statement outcome).
const UNAVAILABLE_SQLSTATE = /^(08|53|57)/;
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH']);
// node-postgres reports lost connections and its own timeouts with messages, not codes.
const PG_CONNECTIVITY_MESSAGE = /Connection terminated|connection timeout|Query read timeout|timeout exceeded when trying to connect|Client has encountered a connection error|Connection ended unexpectedly/i;

function isConnectivityFailure(error: unknown): boolean {
  const cause = error instanceof QueryFailedError ? (error as QueryFailedError & { driverError?: unknown }).driverError : error;
  if (!(cause instanceof Error)) return false;
  const code = (cause as Error & { code?: unknown }).code;
  if (typeof code === 'string' && (UNAVAILABLE_SQLSTATE.test(code) || NETWORK_CODES.has(code))) return true;
  return PG_CONNECTIVITY_MESSAGE.test(cause.message);
}

/** Turns "the database is unreachable or too slow" into DependencyUnavailableError (503); other errors pass. */
export function asDatabaseFailure(error: unknown): unknown {
  return isConnectivityFailure(error)
    ? new DependencyUnavailableError('database', 'the database is unavailable', { cause: error })
    : error;
}

/**
 * Which real servers the test run may use. PostgreSQL and Redis suites run when
 * TITAN_TEST_DATABASE_URL / TITAN_TEST_REDIS_URL are set, and are skipped loudly otherwise.
 * With TITAN_TEST_REQUIRE_INFRA=1 (CI) a missing server fails the run instead of skipping.
 */
export interface InfraRequirement {
  readonly url: string | undefined;
  /** Pass as `{ skip }` to node:test's describe/it. */
  readonly skip: string | false;
}

function requirement(variable: string, what: string): InfraRequirement {
  const url = process.env[variable];
  if (url) return { url, skip: false };
  if (process.env['TITAN_TEST_REQUIRE_INFRA'] === '1') {
    throw new Error(`${variable} is not set but TITAN_TEST_REQUIRE_INFRA=1: the ${what} suites must run`);
  }
  return { url: undefined, skip: `SKIPPED: ${what} suite (set ${variable} to run it)` };
}

export const postgresRequirement = (): InfraRequirement => requirement('TITAN_TEST_DATABASE_URL', 'PostgreSQL');
export const redisRequirement = (): InfraRequirement => requirement('TITAN_TEST_REDIS_URL', 'Redis');

import type { EcPublicJwk } from '@titan/domain';
import { CommandError } from '../cli-error';

export interface BootstrapAdminOptions {
  /** `postgres://...`; unset: the embedded store under `dataDir`. */
  readonly databaseUrl?: string;
  /** Embedded data directory (default `./data`). */
  readonly dataDir?: string;
}

export type BootstrapAdminResult = 'created' | 'already_present';

/**
 * Creates the first admin (`admin`, scopes `titan:admin titan:introspect`) directly in the store,
 * for a stopped embedded server or a reachable PostgreSQL. An existing admin is left untouched.
 * The persistence adapter (TypeORM, PGlite) loads only here, so other commands start fast.
 */
export async function bootstrapAdmin(publicJwk: EcPublicJwk, options: BootstrapAdminOptions = {}): Promise<BootstrapAdminResult> {
  const [{ createPersistence, DataDirLockedError }, { BootstrapAdminUseCase }, { NodeDigest, SystemClock }] = await Promise.all([
    import('@titan/adapter-persistence'),
    import('@titan/application'),
    import('@titan/adapter-crypto-lane'),
  ]);
  let persistence;
  try {
    persistence = await createPersistence({ databaseUrl: options.databaseUrl, dataDir: options.dataDir });
  } catch (e) {
    if (e instanceof DataDirLockedError) {
      throw new CommandError('data_dir_locked', `the data directory is in use by a running Titan (${e.lockPath}); stop it first, or set TITAN_BOOTSTRAP_ADMIN_JWK when starting the server`);
    }
    const where = options.databaseUrl ? 'the database in DATABASE_URL' : `the embedded store in ${options.dataDir ?? './data'}`;
    throw new CommandError('unavailable', `cannot open ${where}: ${firstLine(e)}`);
  }
  try {
    const useCase = new BootstrapAdminUseCase(persistence.identities, new NodeDigest(), new SystemClock());
    const outcome = await useCase.execute(publicJwk, 'cli');
    if (!outcome.ok) throw new CommandError(outcome.error.code, outcome.error.message);
    return outcome.value;
  } finally {
    await persistence.close();
  }
}

// Driver messages can be long; a URL with a password is never part of them, but keep one line.
const firstLine = (e: unknown): string => (e instanceof Error ? e.message : String(e)).split('\n')[0]!;

import type { AuditVerification, VerifyAuditInput } from '@titan/application';
import { CommandError } from '../cli-error';

export interface VerifyAuditOptions extends VerifyAuditInput {
  /** `postgres://...`; unset: the embedded store under `dataDir`. */
  readonly databaseUrl?: string;
  /** PostgreSQL schema holding Titan's tables (default: the server's search_path). */
  readonly databaseSchema?: string;
  /** Embedded data directory (default `./data`). */
  readonly dataDir?: string;
}

/**
 * Walks the audit log's hash chain directly in the store: any time on PostgreSQL (read-only, one
 * REPEATABLE READ snapshot), with the server stopped for the embedded store (PGlite serves one
 * process, so the data-directory lock refuses a second opener). Opening the store runs pending
 * migrations, as the server would. The persistence adapter loads only here.
 */
export async function verifyAudit(options: VerifyAuditOptions = {}): Promise<AuditVerification> {
  const [{ createPersistence, DataDirLockedError, TypeormAuditTrail }, { VerifyAuditUseCase }] = await Promise.all([
    import('@titan/adapter-persistence'),
    import('@titan/application'),
  ]);
  let persistence;
  try {
    persistence = await createPersistence({
      databaseUrl: options.databaseUrl,
      schema: options.databaseUrl ? options.databaseSchema : undefined,
      dataDir: options.dataDir,
      poolSize: 1,
    });
  } catch (e) {
    if (e instanceof DataDirLockedError) {
      throw new CommandError('data_dir_locked', `the data directory is in use by a running Titan (${e.lockPath}); stop it first (the embedded store serves one process)`);
    }
    const where = options.databaseUrl ? 'the database in DATABASE_URL' : `the embedded store in ${options.dataDir ?? './data'}`;
    throw new CommandError('unavailable', `cannot open ${where}: ${firstLine(e)}`);
  }
  try {
    return await new VerifyAuditUseCase(new TypeormAuditTrail(persistence.dataSource)).execute({
      ...(options.expectAtLeast !== undefined ? { expectAtLeast: options.expectAtLeast } : {}),
      ...(options.expectHead !== undefined ? { expectHead: options.expectHead } : {}),
    });
  } finally {
    await persistence.close();
  }
}

const firstLine = (e: unknown): string => (e instanceof Error ? e.message : String(e)).split('\n')[0]!;

import { EventEmitter } from 'node:events';
// The import-mode types: create-persistence loads PGlite with a dynamic import (its ESM build).
import type { PGlite, Results } from '@electric-sql/pglite' with { 'resolution-mode': 'import' };

/** The slice of a pg `QueryResult` that TypeORM's PostgresQueryRunner reads. */
export interface PgLikeResult {
  readonly command: string;
  readonly rowCount: number;
  readonly rows: unknown[];
  readonly fields: ReadonlyArray<{ name: string; dataTypeID: number }>;
}

type QueryCallback = (error: Error | null, result?: PgLikeResult | PgLikeResult[]) => void;
type ConnectCallback = (error: Error | null, client?: PgliteClient, release?: (error?: unknown) => void) => void;

function toPgResult(result: Results): PgLikeResult {
  return {
    command: result.command ?? '',
    rowCount: result.rowCount ?? result.affectedRows ?? 0,
    rows: result.rows,
    fields: result.fields,
  };
}

/**
 * A pg-style client over the single PGlite session. It is handed out by {@link PglitePool} to one
 * holder at a time, so a transaction begun on it cannot interleave with anyone else's statements.
 */
export class PgliteClient extends EventEmitter {
  private released = false;

  constructor(
    private readonly db: PGlite,
    private readonly onRelease: (client: PgliteClient) => Promise<void>,
  ) {
    super();
  }

  /** pg's three call shapes: `(text)`, `(text, params)` and either with a trailing callback. */
  query(text: string, params?: unknown[] | QueryCallback, callback?: QueryCallback): Promise<PgLikeResult | PgLikeResult[]> | undefined {
    const cb = typeof params === 'function' ? params : callback;
    const values = typeof params === 'function' ? undefined : params;
    const promise = this.run(text, values);
    if (!cb) return promise;
    promise.then((r) => cb(null, r), (e: Error) => cb(e));
    return undefined;
  }

  private async run(text: string, params: unknown[] | undefined): Promise<PgLikeResult | PgLikeResult[]> {
    if (this.released) throw new Error('PGlite client used after release');
    // Without parameters use the simple protocol, like pg does: migrations may send several statements.
    if (params === undefined || params.length === 0) {
      const results = (await this.db.exec(text)).map(toPgResult);
      return results.length === 1 ? results[0]! : results;
    }
    return toPgResult(await this.db.query(text, params));
  }

  /** pg's `client.release(err?)`: gives the session back to the pool. */
  release(_error?: unknown): void {
    if (this.released) return;
    this.released = true;
    void this.onRelease(this);
  }
}

/**
 * A pg-compatible `Pool` for TypeORM's postgres driver (`driver: { Pool }`) that owns no
 * connections of its own: it lends the one PGlite session to one client at a time, first come first
 * served. TypeORM's query runners therefore get pg semantics (a transaction is private to its
 * runner) instead of every runner sharing one session, where one runner's ROLLBACK undoes another's
 * insert.
 */
export class PglitePool extends EventEmitter {
  private holder: PgliteClient | null = null;
  private readonly waiters: Array<(client: PgliteClient) => void> = [];
  private ended = false;

  constructor(private readonly db: PGlite) {
    super();
  }

  get waitingCount(): number {
    return this.waiters.length;
  }

  connect(): Promise<PgliteClient>;
  connect(callback: ConnectCallback): void;
  connect(callback?: ConnectCallback): Promise<PgliteClient> | void {
    const promise = this.acquire();
    if (!callback) return promise;
    promise.then(
      (client) => callback(null, client, (error?: unknown) => client.release(error)),
      (error: Error) => callback(error),
    );
  }

  /** One-off query on a borrowed client, like `pg.Pool#query`. */
  async query(text: string, params?: unknown[]): Promise<PgLikeResult | PgLikeResult[]> {
    const client = await this.acquire();
    try {
      return (await client.query(text, params))!;
    } finally {
      client.release();
    }
  }

  end(callback?: (error?: Error) => void): Promise<void> {
    this.ended = true;
    // Waiters can never be served now; fail them rather than leave them hanging.
    for (const waiter of this.waiters.splice(0)) waiter(null as unknown as PgliteClient);
    const done = Promise.resolve();
    if (callback) done.then(() => callback(), callback);
    return done;
  }

  private acquire(): Promise<PgliteClient> {
    if (this.ended) return Promise.reject(new Error('PGlite pool has ended'));
    if (this.holder === null) {
      this.holder = this.newClient();
      return Promise.resolve(this.holder);
    }
    return new Promise((resolve, reject) => {
      this.waiters.push((client) => (client ? resolve(client) : reject(new Error('PGlite pool has ended'))));
    });
  }

  private newClient(): PgliteClient {
    return new PgliteClient(this.db, (client) => this.handBack(client));
  }

  private async handBack(client: PgliteClient): Promise<void> {
    if (client !== this.holder) return;
    // A holder that let go mid-transaction (a crash between BEGIN and COMMIT) must not pass its
    // open transaction on to the next holder.
    if (!this.db.closed && this.db.isInTransaction()) {
      try {
        await this.db.exec('ROLLBACK');
      } catch (error) {
        this.emit('error', error);
      }
    }
    const next = this.waiters.shift();
    if (next && !this.ended) {
      this.holder = this.newClient();
      next(this.holder);
    } else {
      this.holder = null;
    }
  }
}

/** The module-shaped object TypeORM's postgres driver expects as its `driver` option. */
export function pgliteDriver(db: PGlite): { Pool: new (options?: unknown) => PglitePool } {
  // TypeORM calls `new Pool(connectionOptions)`; the options describe a server we do not have.
  return {
    Pool: class extends PglitePool {
      constructor(_options?: unknown) {
        super(db);
      }
    },
  };
}

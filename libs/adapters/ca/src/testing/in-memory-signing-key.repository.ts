import type { AuditEvent, SigningKeyChanges, SigningKeyRepository, StoredSigningKey } from '@titan/application';

/**
 * Test double of the SigningKeyRepository port with its invariants: at most one active key per
 * algorithm, enforced atomically, and `transact` calls serialised (a promise chain standing in for
 * the database lock). Each call yields first, so racing callers really interleave.
 */
export class InMemorySigningKeyRepository implements SigningKeyRepository {
  readonly rows: StoredSigningKey[] = [];
  /** Number of `transact` calls that wrote something. */
  writes = 0;
  /** Audit entries written with the changes, in commit order. */
  readonly audited: AuditEvent[] = [];
  private queue: Promise<unknown> = Promise.resolve();

  async list(): Promise<StoredSigningKey[]> {
    await Promise.resolve();
    return [...this.rows].sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
  }

  transact<T>(decide: (keys: readonly StoredSigningKey[]) => Promise<SigningKeyChanges<T>>): Promise<T> {
    const run = this.queue.then(async () => {
      const changes = await decide(await this.list());
      const staged = [...this.rows];
      for (const key of changes.updates) {
        const index = staged.findIndex((r) => r.kid === key.kid);
        if (index < 0) throw new Error(`unknown kid ${key.kid}`);
        staged[index] = key;
      }
      for (const key of changes.inserts) {
        if (staged.some((r) => r.kid === key.kid)) throw new Error(`duplicate kid ${key.kid}`);
        staged.push(key);
      }
      for (const alg of new Set(staged.map((r) => r.alg))) {
        if (staged.filter((r) => r.alg === alg && r.state === 'active').length > 1) throw new Error(`two active ${alg} keys`);
      }
      if (changes.inserts.length + changes.updates.length > 0) this.writes++;
      this.audited.push(...(changes.audit ?? []));
      this.rows.splice(0, this.rows.length, ...staged);
      return changes.result;
    });
    this.queue = run.catch(() => undefined);
    return run;
  }
}

import type { SigningKeyRepository, StoredSigningKey } from '@titan/application';

/**
 * Test double of the SigningKeyRepository port with its one invariant: at most one active key per
 * algorithm, enforced atomically. Each call yields first, so racing callers really interleave.
 */
export class InMemorySigningKeyRepository implements SigningKeyRepository {
  readonly rows: StoredSigningKey[] = [];

  async list(): Promise<StoredSigningKey[]> {
    await Promise.resolve();
    return [...this.rows].sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
  }

  async insert(key: StoredSigningKey): Promise<boolean> {
    await Promise.resolve();
    if (this.rows.some((r) => r.kid === key.kid)) throw new Error(`duplicate kid ${key.kid}`);
    if (key.state === 'active' && this.rows.some((r) => r.state === 'active' && r.alg === key.alg)) return false;
    this.rows.push(key);
    return true;
  }

  async update(key: StoredSigningKey): Promise<void> {
    await Promise.resolve();
    const index = this.rows.findIndex((r) => r.kid === key.kid);
    if (index < 0) throw new Error(`unknown kid ${key.kid}`);
    this.rows[index] = key;
  }
}

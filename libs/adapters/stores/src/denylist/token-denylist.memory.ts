import type { TokenDenylist } from '@titan/application';
import { ExpiringMap, type ExpiringMapOptions } from '../shared/expiring-map';
import { ttlToMs } from '../shared/ttl';

/**
 * Revoked `jti`s in process memory, for the embedded mode (one process). Entries vanish at the
 * token's expiry, so memory is bounded by the revoked tokens still alive. `close()` at shutdown.
 */
export class InMemoryTokenDenylist implements TokenDenylist {
  private readonly entries: ExpiringMap<true>;

  constructor(options: ExpiringMapOptions = {}) {
    this.entries = new ExpiringMap(options);
  }

  async add(jti: string, ttlSeconds: number): Promise<void> {
    this.entries.set(jti, true, ttlToMs(ttlSeconds));
  }

  async has(jti: string): Promise<boolean> {
    // setIfAbsent would write; a lookup that never mutates is what the hot path wants.
    return this.entries.has(jti);
  }

  close(): void {
    this.entries.close();
  }
}

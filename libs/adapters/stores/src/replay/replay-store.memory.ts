import { ExpiringMap, type ExpiringMapOptions } from '../shared/expiring-map';
import { ttlToMs } from '../shared/ttl';
import type { ReplayStore } from '@titan/application';

/**
 * Single-use keys in process memory, for the embedded mode. Expired keys are swept, so memory is
 * bounded by the keys still inside their TTL; callers should bound key length (e.g. refuse a
 * `jti` over 255 characters). Call `close()` at shutdown to stop the sweep timer.
 */
export class InMemoryReplayStore implements ReplayStore {
  private readonly keys: ExpiringMap<true>;

  constructor(options: ExpiringMapOptions = {}) {
    this.keys = new ExpiringMap(options);
  }

  /** Keys held, including expired ones not yet swept (for metrics). */
  get size(): number {
    return this.keys.size;
  }

  async markOnce(key: string, ttlSeconds: number): Promise<boolean> {
    return this.keys.setIfAbsent(key, true, ttlToMs(ttlSeconds));
  }

  close(): void {
    this.keys.close();
  }
}

import type { UserIdentity } from '@titan/domain';
import type { IdentityRepository } from '../ports/identity-repository.port';
import type { IdentityChangeBus } from '../ports/identity-change-bus.port';

interface CacheEntry {
  readonly identity: UserIdentity | null;
  readonly expiresAtMs: number;
}

/**
 * Reads identities for the hot path from memory. Entries (including "no such identity") live until
 * the change bus says the identity changed, or `maxAgeMs` as a safety net should a message be lost.
 */
export class IdentityReader {
  private readonly cache = new Map<string, CacheEntry>();
  private readonly inFlight = new Map<string, Promise<UserIdentity | null>>();
  /** Bumped on every invalidation, so a load that raced with one is not cached. */
  private generation = 0;

  constructor(
    private readonly repository: IdentityRepository,
    private readonly bus: IdentityChangeBus,
    private readonly options: { maxAgeMs: number; maxEntries: number; nowMs: () => number },
  ) {}

  async start(): Promise<void> {
    await this.bus.subscribe((identityId) => this.invalidate(identityId));
  }

  async find(id: string): Promise<UserIdentity | null> {
    const cached = this.cache.get(id);
    if (cached && cached.expiresAtMs > this.options.nowMs()) return cached.identity;
    const pending = this.inFlight.get(id);
    if (pending) return pending;
    const load = this.load(id).finally(() => this.inFlight.delete(id));
    this.inFlight.set(id, load);
    return load;
  }

  /** Drops one identity, or everything when `identityId` is null. */
  invalidate(identityId: string | null): void {
    this.generation++;
    if (identityId === null) this.cache.clear();
    else this.cache.delete(identityId);
  }

  /** Tells every instance (this one included, at once) that the identity changed. */
  async changed(identityId: string): Promise<void> {
    this.invalidate(identityId);
    await this.bus.publish(identityId);
  }

  private async load(id: string): Promise<UserIdentity | null> {
    const generation = this.generation;
    const identity = await this.repository.findById(id);
    if (generation === this.generation) {
      if (this.cache.size >= this.options.maxEntries) this.cache.clear();
      this.cache.set(id, { identity, expiresAtMs: this.options.nowMs() + this.options.maxAgeMs });
    }
    return identity;
  }
}

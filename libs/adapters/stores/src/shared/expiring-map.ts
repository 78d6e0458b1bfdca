import type { Clock } from '@titan/application';

export interface ExpiringMapOptions {
  /** Time source; tests pass a ManualClock. Default: the system clock. */
  readonly clock?: Clock;
  /** How often a timer drops expired entries. Default 30 000 ms. The timer never keeps the process alive. */
  readonly sweepIntervalMs?: number;
}

interface Entry<V> {
  readonly value: V;
  readonly expiresAtMs: number;
}

const systemClock: Clock = { now: () => new Date() };

/**
 * A Map whose entries vanish after their TTL: an expired entry is never returned, and memory stays
 * bounded by the live entries, because writes prune the oldest expired entries and a timer sweeps
 * the rest. Single-threaded JavaScript makes `take` and `setIfAbsent` atomic.
 */
export class ExpiringMap<V> {
  private readonly entries = new Map<string, Entry<V>>();
  private readonly clock: Clock;
  private readonly timer: NodeJS.Timeout;
  private closed = false;

  constructor(options: ExpiringMapOptions = {}) {
    this.clock = options.clock ?? systemClock;
    this.timer = setInterval(() => this.sweep(), options.sweepIntervalMs ?? 30_000);
    this.timer.unref();
  }

  /** Entries held, including expired ones not yet swept. */
  get size(): number {
    return this.entries.size;
  }

  set(key: string, value: V, ttlMs: number): void {
    this.assertOpen();
    const now = this.nowMs();
    this.pruneOldest(now);
    // Delete first so the entry moves to the end: insertion order stays close to expiry order.
    this.entries.delete(key);
    this.entries.set(key, { value, expiresAtMs: now + ttlMs });
  }

  /** Sets the entry unless a live one exists; true when it was set. */
  setIfAbsent(key: string, value: V, ttlMs: number): boolean {
    this.assertOpen();
    const existing = this.entries.get(key);
    if (existing && existing.expiresAtMs > this.nowMs()) return false;
    this.set(key, value, ttlMs);
    return true;
  }

  /** True when a live entry exists; reads only. */
  has(key: string): boolean {
    this.assertOpen();
    const entry = this.entries.get(key);
    return entry !== undefined && entry.expiresAtMs > this.nowMs();
  }

  /** Removes and returns the live value, or undefined. */
  take(key: string): V | undefined {
    this.assertOpen();
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    this.entries.delete(key);
    return entry.expiresAtMs > this.nowMs() ? entry.value : undefined;
  }

  /** Drops every expired entry; returns how many. */
  sweep(): number {
    const now = this.nowMs();
    let dropped = 0;
    for (const [key, entry] of this.entries) {
      if (entry.expiresAtMs <= now) {
        this.entries.delete(key);
        dropped++;
      }
    }
    return dropped;
  }

  /** Stops the timer and forgets everything; later use throws. */
  close(): void {
    this.closed = true;
    clearInterval(this.timer);
    this.entries.clear();
  }

  /** Cheap amortised cleanup: with one TTL per map the oldest entries expire first. */
  private pruneOldest(now: number): void {
    for (const [key, entry] of this.entries) {
      if (entry.expiresAtMs > now) return;
      this.entries.delete(key);
    }
  }

  private nowMs(): number {
    return this.clock.now().getTime();
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('store is closed');
  }
}

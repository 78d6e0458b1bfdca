import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { READINESS_CHECKS, type ReadinessCheck } from './readiness-check';

export const DEPENDENCY_PROBE_INTERVAL_MS = 1000;
const PROBE_TIMEOUT_MS = 1000;

/**
 * Probes every dependency once a second, so the hot path can fail closed without a database round
 * trip of its own: minting never touches the database, yet no token may be minted while it is down.
 */
@Injectable()
export class DependencyMonitor implements OnModuleInit, OnModuleDestroy {
  private readonly failing = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private probing = false;

  constructor(@Inject(READINESS_CHECKS) private readonly checks: readonly ReadinessCheck[]) {}

  onModuleInit(): void {
    void this.probe();
    this.timer = setInterval(() => void this.probe(), DEPENDENCY_PROBE_INTERVAL_MS);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  /** A dependency whose last probe failed, or null when all are up. */
  unavailable(): string | null {
    for (const name of this.failing) return name;
    return null;
  }

  /** Runs one check now and records its verdict (readiness probes go through here too). */
  async run(check: ReadinessCheck): Promise<void> {
    try {
      await withTimeout(check.check(), PROBE_TIMEOUT_MS);
      this.failing.delete(check.name);
    } catch (error) {
      this.failing.add(check.name);
      throw error;
    }
  }

  private async probe(): Promise<void> {
    if (this.probing) return;
    this.probing = true;
    try {
      await Promise.all(this.checks.map((check) => this.run(check).catch(() => undefined)));
    } finally {
      this.probing = false;
    }
  }
}

function withTimeout(work: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('timed out')), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

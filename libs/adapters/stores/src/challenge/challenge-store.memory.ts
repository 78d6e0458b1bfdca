import {
  saveAdmittedInTurn, takeAdmittedInTurn, type ChallengeStore, type GuardedResult, type GuardedTakeResult, type OnTaken,
  type RateLimitOperation,
} from '@titan/application';
import type { Challenge } from '@titan/domain';
import { ExpiringMap, type ExpiringMapOptions } from '../shared/expiring-map';
import { ttlToMs } from '../shared/ttl';

/**
 * Challenges in process memory, for the embedded mode (one process; PRODUCT.md section 2).
 * Entries expire after their TTL and are swept, so memory is bounded by the live challenges.
 * Call `close()` at shutdown to stop the sweep timer.
 *
 * @example
 * const challenges = new InMemoryChallengeStore();
 * await challenges.save(challenge, 60);
 * const once = await challenges.take(challenge.id); // the challenge, then null for ever after
 */
export class InMemoryChallengeStore implements ChallengeStore {
  private readonly challenges: ExpiringMap<Challenge>;

  constructor(options: ExpiringMapOptions = {}) {
    this.challenges = new ExpiringMap(options);
  }

  /** Challenges held, including expired ones not yet swept (for metrics). */
  get size(): number {
    return this.challenges.size;
  }

  async save(challenge: Challenge, ttlSeconds: number): Promise<void> {
    this.challenges.set(challenge.id, challenge, ttlToMs(ttlSeconds));
  }

  async take(challengeId: string): Promise<Challenge | null> {
    return this.challenges.take(challengeId) ?? null;
  }

  /** Memory answers at once: the checks in turn, then the save. */
  saveAdmitted(checks: readonly RateLimitOperation[], challenge: Challenge, ttlSeconds: number): Promise<GuardedResult> {
    return saveAdmittedInTurn(this, checks, challenge, ttlSeconds);
  }

  takeAdmitted(checks: readonly RateLimitOperation[], challengeId: string, onTaken?: OnTaken): Promise<GuardedTakeResult> {
    return takeAdmittedInTurn(this, checks, challengeId, onTaken);
  }

  close(): void {
    this.challenges.close();
  }
}

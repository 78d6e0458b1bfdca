import type { Challenge } from '@titan/domain';

/** Outstanding challenges. `take` is atomic: of N concurrent takes of one id, at most one gets it. */
export interface ChallengeStore {
  save(challenge: Challenge, ttlSeconds: number): Promise<void>;
  /** Removes and returns the challenge, or null if it is unknown, expired or already taken. */
  take(challengeId: string): Promise<Challenge | null>;
}
export const ChallengeStore = Symbol('ChallengeStore');

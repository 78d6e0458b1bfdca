import type { Challenge } from '@titan/domain';
import {
  batchRefused, runRateLimitOperationsInTurn, type RateLimitOperation, type RateLimitOperationResult,
} from './rate-limiter.port';

/** What a guarded challenge operation answered: the checks' results, and whether the operation ran. */
export interface GuardedResult {
  readonly checks: RateLimitOperationResult[];
  /** False when a check refused: the challenge operation did not run. */
  readonly admitted: boolean;
}

export interface GuardedTakeResult extends GuardedResult {
  /** The challenge taken; null when none (or not admitted). */
  readonly challenge: Challenge | null;
  /** Results of `onTaken.checks`: run only when the challenge taken was issued to `onTaken.identityId`. */
  readonly onTaken: RateLimitOperationResult[];
}

/** Checks to run right after a take, only when the challenge was issued to `identityId`. */
export interface OnTaken {
  readonly identityId: string;
  readonly checks: readonly RateLimitOperation[];
}

/**
 * Outstanding challenges. `take` is atomic: of N concurrent takes of one id, at most one gets it.
 *
 * The guarded forms run a batch of abuse checks (limiters of the deployment's RateLimiterFactory,
 * run as `RateLimiterFactory.run` runs them) and, only when none refused, the challenge operation:
 * a handshake step's store work in one round trip where the store allows it (Redis: one script).
 */
export interface ChallengeStore {
  save(challenge: Challenge, ttlSeconds: number): Promise<void>;
  /** Removes and returns the challenge, or null if it is unknown, expired or already taken. */
  take(challengeId: string): Promise<Challenge | null>;
  /** `checks`, then `save` when none refused. */
  saveAdmitted(checks: readonly RateLimitOperation[], challenge: Challenge, ttlSeconds: number): Promise<GuardedResult>;
  /** `checks`, then `take` when none refused, then `onTaken.checks` when the challenge was issued to `onTaken.identityId`. */
  takeAdmitted(checks: readonly RateLimitOperation[], challengeId: string, onTaken?: OnTaken): Promise<GuardedTakeResult>;
}
export const ChallengeStore = Symbol('ChallengeStore');

/** `saveAdmitted` for stores without a fused form: the checks in turn, then the save. */
export async function saveAdmittedInTurn(
  store: Pick<ChallengeStore, 'save'>, checks: readonly RateLimitOperation[], challenge: Challenge, ttlSeconds: number,
): Promise<GuardedResult> {
  const results = await runRateLimitOperationsInTurn(checks);
  if (batchRefused(checks, results)) return { checks: results, admitted: false };
  await store.save(challenge, ttlSeconds);
  return { checks: results, admitted: true };
}

/** `takeAdmitted` for stores without a fused form: the checks in turn, the take, then the follow-up checks. */
export async function takeAdmittedInTurn(
  store: Pick<ChallengeStore, 'take'>, checks: readonly RateLimitOperation[], challengeId: string, onTaken?: OnTaken,
): Promise<GuardedTakeResult> {
  const results = await runRateLimitOperationsInTurn(checks);
  if (batchRefused(checks, results)) return { checks: results, admitted: false, challenge: null, onTaken: [] };
  const challenge = await store.take(challengeId);
  const followUp = challenge && onTaken && challenge.isFor(onTaken.identityId) ? await runRateLimitOperationsInTurn(onTaken.checks) : [];
  return { checks: results, admitted: true, challenge, onTaken: followUp };
}

import type { KeyTransition, SigningAlgorithm } from '@titan/domain';
import type { RequestContext } from '../shared/request-context';

/** A lifecycle transition as it was applied, with the kid of a key it created. */
export interface AppliedKeyTransition {
  readonly kind: KeyTransition['kind'];
  readonly kid: string;
  readonly alg: SigningAlgorithm;
  readonly at: Date;
  /** `publish` and `reschedule`: when the key will start signing. */
  readonly activatesAt?: Date;
  /** `activate`: before a full publication lead (emergency revocation only). */
  readonly early?: boolean;
}

/** Why a lifecycle change happens and who asked: its audit entries are written with the change. */
export interface KeyChangeCause {
  /** `schedule`, `on_demand`, `revoked: <reason>`... */
  readonly why: string;
  readonly context: RequestContext;
}

/**
 * Titan's signing keys as a lifecycle (implemented by the CA's key ring): every method applies the
 * KeyRotationPolicy atomically in the shared store, then refreshes this instance's keys. Only
 * the instance whose transaction made a change reports it.
 */
export interface SigningKeyLifecycle {
  /** Algorithms with a signing key (`TITAN_SIGNING_ALGS`), the default first. */
  algorithms(): readonly SigningAlgorithm[];
  /** Applies the scheduled transitions that are due, then reloads. */
  tick(cause?: KeyChangeCause): Promise<AppliedKeyTransition[]>;
  /** On-demand rotation of the given algorithms (default all): publish or bring forward a successor. */
  rotate(algorithms?: readonly SigningAlgorithm[], cause?: KeyChangeCause): Promise<AppliedKeyTransition[]>;
  /** Emergency revocation; null when no published key has this kid. */
  revoke(kid: string, cause?: KeyChangeCause): Promise<AppliedKeyTransition[] | null>;
}
export const SigningKeyLifecycle = Symbol('SigningKeyLifecycle');

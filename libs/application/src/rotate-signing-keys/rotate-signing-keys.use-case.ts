import { domainError, err, ok, SIGNING_ALGORITHMS, type DomainError, type Result, type SigningAlgorithm } from '@titan/domain';
import type { AppliedKeyTransition, SigningKeyLifecycle } from '../ports/signing-key-lifecycle.port';
import type { RequestContext } from '../shared/request-context';

export interface RotateSigningKeysInput {
  /** `schedule`: the periodic tick; `on_demand`: an operator (admin API, `titan keys rotate`). */
  readonly trigger: 'schedule' | 'on_demand';
  /** On demand only: rotate just this algorithm (default: every configured one). */
  readonly alg?: string;
}

/**
 * Runs signing-key rotation (PRODUCT.md section 6) and audits every transition this instance made, in the transaction that makes it.
 * On demand, a successor is published and activates one JWKS cache period (plus propagation)
 * later: an unpublished key never signs.
 */
export class RotateSigningKeysUseCase {
  constructor(private readonly keys: SigningKeyLifecycle) {}

  async execute(input: RotateSigningKeysInput, context: RequestContext = {}): Promise<Result<AppliedKeyTransition[], DomainError>> {
    let transitions: AppliedKeyTransition[];
    if (input.trigger === 'schedule') {
      transitions = await this.keys.tick({ why: input.trigger, context });
    } else {
      let algorithms: readonly SigningAlgorithm[] | undefined;
      if (input.alg !== undefined) {
        const alg = input.alg as SigningAlgorithm;
        if (!SIGNING_ALGORITHMS.includes(alg) || !this.keys.algorithms().includes(alg)) {
          return err(domainError('invalid_request', `alg must be one of the configured signing algorithms: ${this.keys.algorithms().join(', ')}`));
        }
        algorithms = [alg];
      }
      transitions = await this.keys.rotate(algorithms, { why: input.trigger, context });
    }
    return ok(transitions);
  }
}

import { ok, type DomainError, type KeyRotationPolicy, type Result, type SigningAlgorithm, type SigningKeyState } from '@titan/domain';
import type { SigningKeyRepository } from '../ports/signing-key-repository.port';

/** What an operator sees of a signing key: never private material. */
export interface SigningKeyView {
  readonly kid: string;
  readonly alg: SigningAlgorithm;
  readonly state: SigningKeyState;
  readonly createdAt: Date;
  readonly activatesAt: Date | null;
  readonly activatedAt: Date | null;
  readonly retiredAt: Date | null;
  /** A retired key's planned removal from the JWKS. */
  readonly removesAt: Date | null;
  readonly removedAt: Date | null;
}

/** Every signing key, oldest first, with its lifecycle timestamps. */
export class ListSigningKeysUseCase {
  constructor(
    private readonly repository: SigningKeyRepository,
    private readonly policy: KeyRotationPolicy,
  ) {}

  async execute(): Promise<Result<SigningKeyView[], DomainError>> {
    return ok((await this.repository.list()).map((k) => ({
      kid: k.kid,
      alg: k.alg,
      state: k.state,
      createdAt: k.createdAt,
      activatesAt: k.state === 'next' ? k.activatesAt : null,
      activatedAt: k.activatedAt,
      retiredAt: k.retiredAt,
      removesAt: this.policy.removalAt(k),
      removedAt: k.removedAt,
    })));
  }
}

import type { Nonce } from './nonce';

export const PROOF_CONTEXT = 'titan-pop-v1';

/**
 * The exact string a client signs (PRODUCT.md section 4). The issuer is the one the client is
 * configured to trust, which is what defeats a relaying server.
 */
export const proofMessage = (issuer: string, identityId: string, challengeId: string, nonce: string): string =>
  `${PROOF_CONTEXT}\n${issuer}\n${identityId}\n${challengeId}\n${nonce}`;

export interface ChallengeProps {
  readonly id: string;
  readonly identityId: string;
  readonly nonce: Nonce;
  readonly audience: string;
  readonly scopes: readonly string[];
  readonly expiresAt: Date;
}

/** A challenge bound to one identity, audience and scope set; single use (the store enforces it). */
export class Challenge {
  private constructor(private readonly props: ChallengeProps) {}

  static issue(props: ChallengeProps): Challenge {
    return new Challenge(props);
  }

  static restore(props: ChallengeProps): Challenge {
    return new Challenge(props);
  }

  get id(): string { return this.props.id; }
  get identityId(): string { return this.props.identityId; }
  get nonce(): Nonce { return this.props.nonce; }
  get audience(): string { return this.props.audience; }
  get scopes(): readonly string[] { return this.props.scopes; }
  get expiresAt(): Date { return this.props.expiresAt; }

  isExpired(now: Date): boolean {
    return now.getTime() >= this.props.expiresAt.getTime();
  }

  isFor(identityId: string): boolean {
    return this.props.identityId === identityId;
  }

  proofMessage(issuer: string): string {
    return proofMessage(issuer, this.props.identityId, this.props.id, this.props.nonce.value);
  }
}

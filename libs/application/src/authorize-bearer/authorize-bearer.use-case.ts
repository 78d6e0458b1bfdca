import { domainError, err, ok, type DomainError, type Result, type TokenClaim } from '@titan/domain';
import type { TokenVerifier } from '../ports/token-verifier.port';
import type { IdentityReader } from '../identity-reader/identity-reader';
import type { TokenPolicy } from '../shared/token-policy';

export interface Principal {
  readonly identityId: string;
  readonly scopes: readonly string[];
  readonly claims: TokenClaim;
}

/**
 * Guards Titan's own endpoints: a Titan access token for audience = issuer, checked like any resource
 * server would, plus the identity's current status so a revoked identity's token stops at once.
 */
export class AuthorizeBearerUseCase {
  constructor(
    private readonly verifier: TokenVerifier,
    private readonly reader: IdentityReader,
    private readonly policy: TokenPolicy,
  ) {}

  async execute(token: string, requiredScope: string): Promise<Result<Principal, DomainError>> {
    const verified = await this.verifier.verify(token, this.policy.issuer);
    if (!verified.ok) return verified;
    const claims = verified.value;
    const identity = await this.reader.find(claims.sub);
    if (!identity || !identity.isActive) {
      return err(domainError('invalid_token', 'the access token is not valid', 'identity_revoked_or_unknown'));
    }
    const scopes = claims.scope === '' ? [] : claims.scope.split(' ');
    if (!scopes.includes(requiredScope)) {
      return err(domainError('insufficient_scope', `this endpoint needs scope ${requiredScope}`));
    }
    return ok({ identityId: claims.sub, scopes, claims });
  }
}

import { domainError, err, ok, type DomainError, type Result, type TokenClaim } from '@titan/domain';
import type { TokenDenylist } from '../ports/token-denylist.port';
import type { TokenVerifier } from '../ports/token-verifier.port';
import type { IdentityReader } from '../identity-reader/identity-reader';
import type { DpopProofVerifier } from '../dpop/dpop-proof.verifier';
import type { TokenPolicy } from '../shared/token-policy';

export interface Principal {
  readonly identityId: string;
  readonly scopes: readonly string[];
  readonly claims: TokenClaim;
}

/**
 * How the token was presented (RFC 6750 / RFC 9449 section 7): `Authorization: Bearer` or
 * `Authorization: DPoP` with a `DPoP` proof header. `method` and `path` give the proof's `htm` and
 * `htu` (issuer + path); `url`, when set, is the `htu` instead: the absolute URL of a request that
 * a gateway forwarded (forward-auth), which is not on Titan.
 */
export interface TokenPresentation {
  readonly scheme: 'Bearer' | 'DPoP';
  readonly proof?: string;
  readonly method: string;
  readonly path: string;
  readonly url?: string;
}

const BEARER_PRESENTATION: TokenPresentation = { scheme: 'Bearer', method: 'GET', path: '/' };

/**
 * Guards Titan's own endpoints: a Titan access token for audience = issuer, checked like any resource
 * server would, plus the denylist (revoked `jti`) and the identity's current status, so a revoked
 * token or identity stops at once. A DPoP-bound token (`cnf.jkt`) is accepted only with the DPoP
 * scheme and a valid proof from that very key (`ath` = hash of the token); never as Bearer.
 */
export class AuthorizeBearerUseCase {
  constructor(
    private readonly verifier: TokenVerifier,
    private readonly reader: IdentityReader,
    private readonly policy: TokenPolicy,
    private readonly denylist?: TokenDenylist,
    private readonly dpop?: DpopProofVerifier,
  ) {}

  /**
   * `requiredScope: null` accepts any valid token (e.g. a client revoking its own tokens).
   * `audience`: the `aud` the token must carry, Titan's issuer by default; `null` accepts any
   * audience (forward-auth without a configured audience).
   */
  async execute(
    token: string,
    requiredScope: string | null,
    presentation: TokenPresentation = BEARER_PRESENTATION,
    audience: string | null = this.policy.issuer,
  ): Promise<Result<Principal, DomainError>> {
    const invalid = (reason: string) => err(domainError('invalid_token', 'the access token is not valid', reason));
    const verified = audience === null ? await this.verifier.verifyAnyAudience(token) : await this.verifier.verify(token, audience);
    if (!verified.ok) return verified;
    const claims = verified.value;
    if (this.denylist && (await this.denylist.has(claims.jti))) return invalid('token_revoked');
    const identity = await this.reader.find(claims.sub);
    if (!identity || !identity.isActive) return invalid('identity_revoked_or_unknown');

    if (claims.cnf) {
      if (presentation.scheme !== 'DPoP') return invalid('dpop_bound_token_presented_as_bearer');
      if (!identity.findKey(claims.cnf.jkt)) return invalid('dpop_key_retired');
      if (!this.dpop || presentation.proof === undefined) {
        return err(domainError('invalid_dpop_proof', 'a DPoP proof is required', 'dpop_proof_missing'));
      }
      const proof = await this.dpop.verify({
        proof: presentation.proof, htm: presentation.method, htu: presentation.url ?? `${this.policy.issuer}${presentation.path}`,
        accessToken: token, enforceNonce: false,
      });
      if (!proof.ok) return proof;
      if (proof.value.jkt !== claims.cnf.jkt) {
        return err(domainError('invalid_dpop_proof', 'the DPoP proof is not valid', 'dpop_key_not_token_key'));
      }
    } else if (presentation.scheme === 'DPoP') {
      return invalid('bearer_token_presented_as_dpop');
    }

    const scopes = claims.scope === '' ? [] : claims.scope.split(' ');
    if (requiredScope !== null && !scopes.includes(requiredScope)) {
      return err(domainError('insufficient_scope', `this endpoint needs scope ${requiredScope}`));
    }
    return ok({ identityId: claims.sub, scopes, claims });
  }
}

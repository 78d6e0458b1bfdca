import { encodeBase64Url, formatScope, serviceTokenClaim, type TokenGrant } from '@titan/domain';
import type { Clock } from '../ports/clock.port';
import type { Random } from '../ports/random.port';
import type { TokenSigner } from '../ports/token-signer.port';
import type { TokenPolicy } from '../shared/token-policy';

export interface AccessTokenResponse {
  readonly access_token: string;
  /** `DPoP` for a sender-constrained token (carries `cnf.jkt`), else `Bearer`. */
  readonly token_type: 'Bearer' | 'DPoP';
  readonly expires_in: number;
  readonly scope: string;
}

const JTI_BYTES = 16;

/**
 * The one place service tokens are minted, shared by the native handshake and the OAuth token
 * endpoint so both produce the same claims. Writes nothing to the database (stateless hot path).
 */
export class IssueAccessToken {
  constructor(
    private readonly signer: TokenSigner,
    private readonly random: Random,
    private readonly clock: Clock,
    private readonly policy: TokenPolicy,
  ) {}

  /** `binding.jkt`: thumbprint of the enrolled key a DPoP proof was signed with (RFC 9449 section 6). */
  async issue(identityId: string, grant: TokenGrant, binding?: { readonly jkt: string }): Promise<AccessTokenResponse> {
    const claims = serviceTokenClaim({
      issuer: this.policy.issuer,
      identityId,
      audience: grant.audience,
      scopes: grant.scopes,
      jti: encodeBase64Url(this.random.bytes(JTI_BYTES)),
      now: this.clock.now(),
      ttlSeconds: this.policy.serviceTokenTtlSeconds,
      ...(binding ? { confirmationJkt: binding.jkt } : {}),
    });
    return {
      access_token: await this.signer.sign(claims),
      token_type: binding ? 'DPoP' : 'Bearer',
      expires_in: this.policy.serviceTokenTtlSeconds,
      scope: formatScope(grant.scopes),
    };
  }
}

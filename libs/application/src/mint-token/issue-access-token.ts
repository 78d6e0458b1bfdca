import { encodeBase64Url, formatScope, serviceTokenClaim, type TokenGrant } from '@titan/domain';
import type { AuditLog } from '../ports/audit-log.port';
import type { Clock } from '../ports/clock.port';
import type { Random } from '../ports/random.port';
import type { TokenSigner } from '../ports/token-signer.port';
import type { RequestContext } from '../shared/request-context';
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
 * endpoint so both produce the same claims. Writes nothing to the database (stateless hot path),
 * unless `mintAudit` is given (`TITAN_AUDIT_MINTS=true`): then every mint is audited as
 * `token.minted` before the token is handed out, and a mint that cannot be audited fails.
 */
export class IssueAccessToken {
  constructor(
    private readonly signer: TokenSigner,
    private readonly random: Random,
    private readonly clock: Clock,
    private readonly policy: TokenPolicy,
    private readonly mintAudit?: AuditLog,
  ) {}

  /** `binding.jkt`: thumbprint of the enrolled key a DPoP proof was signed with (RFC 9449 section 6). */
  async issue(identityId: string, grant: TokenGrant, binding?: { readonly jkt: string }, context: RequestContext = {}): Promise<AccessTokenResponse> {
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
    const accessToken = await this.signer.sign(claims);
    if (this.mintAudit) {
      await this.mintAudit.record({
        action: 'token.minted', outcome: 'success', actor: identityId, subject: identityId,
        reason: [`jti=${claims.jti}`, `aud=${grant.audience}`, `scope="${formatScope(grant.scopes)}"`, binding && `cnf.jkt=${binding.jkt}`].filter(Boolean).join(' '),
        requestId: context.requestId ?? null, clientIp: context.clientIp ?? null,
      });
    }
    return {
      access_token: accessToken,
      token_type: binding ? 'DPoP' : 'Bearer',
      expires_in: this.policy.serviceTokenTtlSeconds,
      scope: formatScope(grant.scopes),
    };
  }
}

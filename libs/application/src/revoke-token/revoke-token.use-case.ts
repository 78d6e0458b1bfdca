import { ADMIN_SCOPE, domainError, err, ok, type DomainError, type Result } from '@titan/domain';
import type { AuditLog } from '../ports/audit-log.port';
import type { Clock } from '../ports/clock.port';
import type { TokenDenylist } from '../ports/token-denylist.port';
import type { TokenVerifier } from '../ports/token-verifier.port';
import type { CallerAuthenticator, CallerCredentials } from '../client-authentication/caller-authenticator';
import { OAUTH_ENDPOINTS } from '../oauth-token/oauth-endpoints';
import type { RequestContext } from '../shared/request-context';

/** Kept on the denylist this long past `exp`, covering verifiers' clock skew. */
const DENYLIST_MARGIN_SECONDS = 60;

/**
 * `POST /oauth2/revoke` (RFC 7009): a client revokes its own access tokens, a `titan:admin` caller
 * any. The token's `jti` goes on the denylist until its `exp`; audited. A token that is invalid,
 * expired or unknown needs nothing and answers success (RFC 7009 section 2.2).
 */
export class RevokeTokenUseCase {
  constructor(
    private readonly callers: CallerAuthenticator,
    private readonly verifier: TokenVerifier,
    private readonly denylist: TokenDenylist,
    private readonly clock: Clock,
    private readonly audit: AuditLog,
  ) {}

  async execute(credentials: CallerCredentials, token: string, context: RequestContext = {}): Promise<Result<void, DomainError>> {
    const caller = await this.callers.authenticate(credentials, OAUTH_ENDPOINTS.revocation, null, context);
    if (!caller.ok) return caller;
    const verified = await this.verifier.verifyAnyAudience(token);
    if (!verified.ok) return ok(undefined);
    const claims = verified.value;
    const audit = { actor: caller.value.identityId, subject: claims.sub, requestId: context.requestId ?? null, clientIp: context.clientIp ?? null };
    if (claims.client_id !== caller.value.identityId && !caller.value.scopes.includes(ADMIN_SCOPE)) {
      await this.audit.record({ ...audit, action: 'token.revoke_refused', outcome: 'failure', reason: `jti ${claims.jti}: token of another client` });
      return err(domainError('unauthorized_client', 'a client may revoke only its own tokens'));
    }
    const remaining = claims.exp - Math.floor(this.clock.now().getTime() / 1000);
    await this.denylist.add(claims.jti, Math.max(1, remaining + DENYLIST_MARGIN_SECONDS));
    await this.audit.record({ ...audit, action: 'token.revoked', outcome: 'success', reason: `jti ${claims.jti}` });
    return ok(undefined);
  }
}

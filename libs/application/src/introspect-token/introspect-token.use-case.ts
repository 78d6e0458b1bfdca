import { INTROSPECT_SCOPE, type DomainError, type Result, type TokenClaim } from '@titan/domain';
import { err, ok } from '@titan/domain';
import type { TokenDenylist } from '../ports/token-denylist.port';
import type { TokenVerifier } from '../ports/token-verifier.port';
import type { CallerAuthenticator, CallerCredentials } from '../client-authentication/caller-authenticator';
import type { IdentityReader } from '../identity-reader/identity-reader';
import { OAUTH_ENDPOINTS } from '../oauth-token/oauth-endpoints';
import type { AbuseControl } from '../rate-limit/abuse-control';
import type { RequestContext } from '../shared/request-context';

/** RFC 7662 section 2.2: exactly `{ active: false }`, or the token's claims. */
export type IntrospectionResponse =
  | { readonly active: false }
  | (Omit<TokenClaim, 'cnf'> & { readonly active: true; readonly token_type: 'Bearer' | 'DPoP'; readonly cnf?: { readonly jkt: string } });

const INACTIVE: IntrospectionResponse = Object.freeze({ active: false });

/**
 * `POST /oauth2/introspect`: any Titan token, whatever its audience, verified locally (signature
 * with the key's fixed alg, `typ`, `iss`, `exp`, `nbf`, lifetime), then the denylist (revoked
 * `jti`), the identity's status and, for a DPoP-bound token, that its key is still enrolled. No
 * database read unless the identity is not in the cache. Anything wrong is `{ active: false }`.
 */
export class IntrospectTokenUseCase {
  constructor(
    private readonly callers: CallerAuthenticator,
    private readonly verifier: TokenVerifier,
    private readonly denylist: TokenDenylist,
    private readonly reader: IdentityReader,
    /** The per-caller introspection limit; none when undefined. */
    private readonly abuse?: AbuseControl,
  ) {}

  async execute(credentials: CallerCredentials, token: string, context: RequestContext = {}): Promise<Result<IntrospectionResponse, DomainError>> {
    const caller = await this.callers.authenticate(credentials, OAUTH_ENDPOINTS.introspection, INTROSPECT_SCOPE, context);
    if (!caller.ok) return caller;
    // The caller's charge and the token's checks leave together (one store round trip for the
    // counter and the denylist); the answer is discarded when the caller is over its limit.
    const [limited, response] = await Promise.all([
      this.abuse?.chargeIdentity('introspect', caller.value.identityId, context),
      this.introspect(token),
    ]);
    if (limited) return err(limited);
    return ok(response);
  }

  /** The token's status, without caller authentication (for callers that already authenticated). */
  async introspect(token: string): Promise<IntrospectionResponse> {
    const verified = await this.verifier.verifyAnyAudience(token);
    if (!verified.ok) return INACTIVE;
    const claims = verified.value;
    if (await this.denylist.has(claims.jti)) return INACTIVE;
    const identity = await this.reader.find(claims.sub);
    if (!identity || !identity.isActive) return INACTIVE;
    if (claims.cnf && !identity.findKey(claims.cnf.jkt)) return INACTIVE;
    const { cnf, ...rest } = claims;
    return cnf
      ? { active: true, ...rest, token_type: 'DPoP', cnf: { jkt: cnf.jkt } }
      : { active: true, ...rest, token_type: 'Bearer' };
  }
}

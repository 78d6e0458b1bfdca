import { domainError, err, ok, parseAudience, parseScopeString, type DomainError, type Result } from '@titan/domain';
import type { AuditLog } from '../ports/audit-log.port';
import type { ClientAuthenticator, ClientCredentials } from '../client-authentication/client-authenticator';
import type { DpopProofVerifier } from '../dpop/dpop-proof.verifier';
import type { AccessTokenResponse, IssueAccessToken } from '../mint-token/issue-access-token';
import type { AbuseControl } from '../rate-limit/abuse-control';
import type { RequestContext } from '../shared/request-context';
import type { TokenPolicy } from '../shared/token-policy';
import { OAUTH_ENDPOINTS, endpointUrl } from './oauth-endpoints';

/** The form parameters of a token request (RFC 6749 section 4.4) and how the client authenticated. */
export interface OAuthTokenInput {
  readonly grantType?: string;
  readonly scope?: string;
  /** RFC 8707 `resource`, or the `audience` parameter many clients send: both name the token's `aud`. */
  readonly resource?: string;
  readonly audience?: string;
  readonly client: ClientCredentials;
  /** The `DPoP` header, when the client asks for a sender-constrained token. */
  readonly dpopProof?: string;
}

/** Grants Titan offers today; `refresh_token` belongs to users (later), `password` never (RFC 9700 section 2.4). */
export const SUPPORTED_GRANT_TYPES = ['client_credentials'] as const;

/**
 * `POST /oauth2/token`: the `client_credentials` grant for service identities. The client
 * authenticates (`private_key_jwt` or a secret), the grant is checked against the identity's
 * allowed sets, an optional DPoP proof must be signed by an enrolled key, and the token comes from
 * `IssueAccessToken`, the same path as the native handshake: same claims, nothing written.
 */
export class OAuthTokenUseCase {
  constructor(
    private readonly clients: ClientAuthenticator,
    private readonly tokens: IssueAccessToken,
    private readonly policy: TokenPolicy,
    private readonly audit: AuditLog,
    private readonly dpop?: DpopProofVerifier,
    /** The per-identity token limit, shared with the native handshake; none when undefined. */
    private readonly abuse?: AbuseControl,
  ) {}

  async execute(input: OAuthTokenInput, context: RequestContext = {}): Promise<Result<AccessTokenResponse, DomainError>> {
    if (input.grantType === undefined) return err(domainError('invalid_request', 'grant_type is required'));
    if (!(SUPPORTED_GRANT_TYPES as readonly string[]).includes(input.grantType)) {
      return err(domainError('unsupported_grant_type', `grant_type must be one of: ${SUPPORTED_GRANT_TYPES.join(', ')}`));
    }
    let scopes: string[] | undefined;
    if (input.scope !== undefined) {
      const parsed = parseScopeString(input.scope);
      if (!parsed.ok) return err(domainError('invalid_scope', parsed.error.message));
      scopes = parsed.value;
    }
    if (input.resource !== undefined && input.audience !== undefined && input.resource !== input.audience) {
      return err(domainError('invalid_target', 'resource and audience name different targets; send one'));
    }
    const target = input.resource ?? input.audience;
    if (target !== undefined && !parseAudience(target).ok) {
      return err(domainError('invalid_target', 'the target must be 1 to 255 visible ASCII characters'));
    }

    // The DPoP proof and its nonce come first: a client told to use a nonce retries without having
    // spent its client assertion.
    let dpopJkt: string | undefined;
    if (input.dpopProof !== undefined) {
      if (!this.dpop) return err(domainError('invalid_dpop_proof', 'DPoP is not supported here', 'dpop_not_configured'));
      const proof = await this.dpop.verify({
        proof: input.dpopProof, htm: 'POST', htu: endpointUrl(this.policy.issuer, OAUTH_ENDPOINTS.token), enforceNonce: true,
      });
      if (!proof.ok) return this.refused(proof.error, input.client.clientId ?? null, context);
      dpopJkt = proof.value.jkt;
    }

    const client = await this.clients.authenticate(input.client, OAUTH_ENDPOINTS.token, context);
    if (!client.ok) return client;
    const identity = client.value.identity;
    const grant = identity.resolveGrant(this.policy.issuer, target, scopes);
    if (!grant.ok) return grant;
    if (dpopJkt !== undefined && !identity.findKey(dpopJkt)) {
      return this.refused(domainError('invalid_dpop_proof', 'the DPoP proof must be signed by a key enrolled for this client', 'dpop_key_not_enrolled'), identity.id, context);
    }
    const limited = await this.abuse?.chargeIdentity('token', identity.id, context);
    if (limited) return err(limited);
    return ok(await this.tokens.issue(identity.id, grant.value, dpopJkt === undefined ? undefined : { jkt: dpopJkt }, context));
  }

  private async refused(error: DomainError, clientId: string | null, context: RequestContext): Promise<Result<never, DomainError>> {
    await this.audit.record({
      action: 'dpop.failed', outcome: 'failure', actor: clientId, subject: clientId, reason: error.reason ?? error.code,
      requestId: context.requestId ?? null, clientIp: context.clientIp ?? null,
    });
    return err(error);
  }
}

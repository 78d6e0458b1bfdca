import {
  CLIENT_ASSERTION_ALG, JWT_BEARER_ASSERTION_TYPE, assertionIssuer, checkClientAssertionClaims,
  checkClientAssertionHeader, domainError, epochSeconds, err, ok, parseCompactJws,
  type DomainError, type Result, type UserIdentity,
} from '@titan/domain';
import type { AuditLog } from '../ports/audit-log.port';
import type { Clock } from '../ports/clock.port';
import type { CryptoLane } from '../ports/crypto-lane.port';
import type { ReplayStore } from '../ports/replay-store.port';
import type { IdentityReader } from '../identity-reader/identity-reader';
import { OAUTH_ENDPOINTS, endpointUrl } from '../oauth-token/oauth-endpoints';
import type { RequestContext } from '../shared/request-context';
import type { TokenPolicy } from '../shared/token-policy';
import type { ClientSecrets } from './client-secret';

/** What a request presented to authenticate a client (RFC 6749 section 2.3, RFC 7523 section 2.2). */
export interface ClientCredentials {
  /** From `Authorization: Basic`; `'malformed'` when the header could not be decoded. */
  readonly basic?: { readonly clientId: string; readonly secret: string } | 'malformed';
  /** Form parameters. */
  readonly clientId?: string;
  readonly clientSecret?: string;
  readonly clientAssertionType?: string;
  readonly clientAssertion?: string;
}

export type ClientAuthMethod = 'private_key_jwt' | 'client_secret_basic' | 'client_secret_post';

export interface AuthenticatedClient {
  readonly identity: UserIdentity;
  readonly method: ClientAuthMethod;
}

/** True when the request carries any client credentials at all. */
export const presentsClientCredentials = (c: ClientCredentials): boolean =>
  c.basic !== undefined || c.clientSecret !== undefined || c.clientAssertion !== undefined || c.clientAssertionType !== undefined;

const MAX_ASSERTION_LENGTH = 8192;
const ASSERTION_SIGNATURE_BYTES = 64;
const CLOCK_SKEW_SECONDS = 30;

/**
 * Client authentication for the OAuth endpoints: `private_key_jwt` (an ES256 assertion signed by an
 * enrolled key of the identity, verified through the crypto lane like the handshake proof, `jti`
 * single use), or a client secret (Basic or form) for identities created with one. Exactly one
 * method per request. Every failure is one public `invalid_client`; the audit log gets the reason.
 */
export class ClientAuthenticator {
  constructor(
    private readonly reader: IdentityReader,
    private readonly crypto: CryptoLane,
    private readonly secrets: ClientSecrets,
    private readonly replays: ReplayStore,
    private readonly clock: Clock,
    private readonly policy: TokenPolicy,
    private readonly audit: AuditLog,
  ) {}

  /** `endpointPath`: the endpoint being called; assertions may name it, the token endpoint or the issuer. */
  async authenticate(credentials: ClientCredentials, endpointPath: string, context: RequestContext = {}): Promise<Result<AuthenticatedClient, DomainError>> {
    const methods = [
      credentials.basic !== undefined,
      credentials.clientSecret !== undefined,
      credentials.clientAssertion !== undefined || credentials.clientAssertionType !== undefined,
    ].filter(Boolean).length;
    if (methods > 1) return err(domainError('invalid_request', 'use exactly one client authentication method'));

    const failed = async (clientId: string | null, reason: string): Promise<Result<never, DomainError>> => {
      await this.audit.record({
        action: 'client_auth.failed', outcome: 'failure', actor: clientId, subject: clientId, reason,
        requestId: context.requestId ?? null, clientIp: context.clientIp ?? null,
      });
      return err(domainError('invalid_client', 'client authentication failed', reason));
    };

    if (methods === 0) return failed(credentials.clientId ?? null, 'no_client_authentication');
    if (credentials.basic !== undefined) {
      if (credentials.basic === 'malformed') return failed(null, 'basic_header_malformed');
      if (credentials.clientId !== undefined && credentials.clientId !== credentials.basic.clientId) {
        return failed(credentials.basic.clientId, 'client_id_mismatch');
      }
      return this.bySecret(credentials.basic.clientId, credentials.basic.secret, 'client_secret_basic', failed);
    }
    if (credentials.clientSecret !== undefined) {
      if (credentials.clientId === undefined) return err(domainError('invalid_request', 'client_secret_post needs client_id'));
      return this.bySecret(credentials.clientId, credentials.clientSecret, 'client_secret_post', failed);
    }
    if (credentials.clientAssertionType !== JWT_BEARER_ASSERTION_TYPE) {
      return err(domainError('invalid_request', `client_assertion_type must be ${JWT_BEARER_ASSERTION_TYPE}`));
    }
    if (credentials.clientAssertion === undefined) return err(domainError('invalid_request', 'client_assertion is missing'));
    return this.byAssertion(credentials.clientAssertion, credentials.clientId, endpointPath, failed);
  }

  private async bySecret(
    clientId: string,
    secret: string,
    method: ClientAuthMethod,
    failed: (clientId: string | null, reason: string) => Promise<Result<never, DomainError>>,
  ): Promise<Result<AuthenticatedClient, DomainError>> {
    const identity = await this.reader.find(clientId);
    // Always compute the MAC, so unknown clients and clients without secrets cost the same.
    const matches = this.secrets.matches(secret, identity?.clientSecretHash ?? null);
    if (!identity) return failed(clientId, 'identity_unknown');
    if (!identity.isActive) return failed(clientId, 'identity_revoked');
    if (identity.clientSecretHash === null) return failed(clientId, 'secret_not_enabled_for_identity');
    if (!matches) return failed(clientId, 'secret_mismatch');
    return ok({ identity, method });
  }

  private async byAssertion(
    assertion: string,
    clientIdParam: string | undefined,
    endpointPath: string,
    failed: (clientId: string | null, reason: string) => Promise<Result<never, DomainError>>,
  ): Promise<Result<AuthenticatedClient, DomainError>> {
    const jws = parseCompactJws(assertion, MAX_ASSERTION_LENGTH, 'client_assertion');
    if (!jws.ok) return failed(clientIdParam ?? null, 'assertion_malformed');
    const claimed = assertionIssuer(jws.value.payload);
    const actor = claimed ?? clientIdParam ?? null;
    const header = checkClientAssertionHeader(jws.value.header);
    if (!header.ok) return failed(actor, header.reason);
    if (jws.value.signature.length !== ASSERTION_SIGNATURE_BYTES) return failed(actor, 'assertion_signature_length');
    if (!claimed) return failed(actor, 'assertion_iss_invalid');
    if (clientIdParam !== undefined && clientIdParam !== claimed) return failed(actor, 'client_id_mismatch');

    const identity = await this.reader.find(claimed);
    if (!identity) return failed(actor, 'identity_unknown');
    if (!identity.isActive) return failed(actor, 'identity_revoked');
    // The kid, when it names an enrolled key, is tried first; it never selects a key outside the identity.
    const keys = [...identity.keys].sort((a, b) => Number(b.thumbprint === header.value.kid) - Number(a.thumbprint === header.value.kid));
    let signed = false;
    for (const key of keys) {
      if (await this.crypto.verify({ key, data: jws.value.signingInput, signature: jws.value.signature })) {
        signed = true;
        break;
      }
    }
    if (!signed) return failed(actor, `assertion_signature_invalid (${CLIENT_ASSERTION_ALG} with no enrolled key of the identity)`);

    const now = epochSeconds(this.clock.now());
    const issuer = this.policy.issuer;
    const claims = checkClientAssertionClaims(jws.value.payload, {
      audiences: [issuer, endpointUrl(issuer, OAUTH_ENDPOINTS.token), endpointUrl(issuer, endpointPath)],
      nowSeconds: now,
      clockSkewSeconds: CLOCK_SKEW_SECONDS,
    });
    if (!claims.ok) return failed(actor, claims.reason);
    const ttl = Math.max(1, claims.value.exp - now + CLOCK_SKEW_SECONDS);
    if (!(await this.replays.markOnce(`client-assertion:${claimed}:${claims.value.jti}`, ttl))) {
      return failed(actor, 'assertion_jti_replayed');
    }
    return ok({ identity, method: 'private_key_jwt' });
  }
}

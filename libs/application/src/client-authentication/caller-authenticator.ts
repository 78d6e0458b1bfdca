import { domainError, err, ok, type DomainError, type Result } from '@titan/domain';
import type { AuthorizeBearerUseCase, TokenPresentation } from '../authorize-bearer/authorize-bearer.use-case';
import type { RequestContext } from '../shared/request-context';
import { presentsClientCredentials, type ClientAuthenticator, type ClientCredentials } from './client-authenticator';

/** Who calls introspection or revocation, and what it may do there. */
export interface Caller {
  readonly identityId: string;
  /** Scopes of the bearer token, or the allowed scopes of a client that authenticated itself. */
  readonly scopes: readonly string[];
  readonly via: 'client' | 'bearer';
}

/** A request's credentials: client credentials, or an access token (`Authorization: Bearer|DPoP`). */
export interface CallerCredentials {
  readonly client: ClientCredentials;
  readonly token?: { readonly value: string; readonly presentation: TokenPresentation };
}

/**
 * Authenticates the caller of introspection and revocation (RFC 7662 section 2.1, RFC 7009 section
 * 2.1): like at the token endpoint, or with a Titan access token for the issuer (`requiredScope`
 * applies to that token only). Both at once is `invalid_request`.
 */
export class CallerAuthenticator {
  constructor(
    private readonly clients: ClientAuthenticator,
    private readonly bearer: AuthorizeBearerUseCase,
  ) {}

  async authenticate(credentials: CallerCredentials, endpointPath: string, requiredScope: string | null, context: RequestContext = {}): Promise<Result<Caller, DomainError>> {
    if (credentials.token) {
      if (presentsClientCredentials(credentials.client)) {
        return err(domainError('invalid_request', 'use either client authentication or an access token, not both'));
      }
      const principal = await this.bearer.execute(credentials.token.value, requiredScope, credentials.token.presentation);
      if (!principal.ok) return principal;
      return ok({ identityId: principal.value.identityId, scopes: principal.value.scopes, via: 'bearer' });
    }
    const client = await this.clients.authenticate(credentials.client, endpointPath, context);
    if (!client.ok) return client;
    return ok({ identityId: client.value.identity.id, scopes: client.value.identity.scopes, via: 'client' });
  }
}

import { CLIENT_ASSERTION_ALG, DPOP_ALG } from '@titan/domain';
import { SUPPORTED_GRANT_TYPES } from '../oauth-token/oauth-token.use-case';
import { OAUTH_ENDPOINTS, endpointUrl } from '../oauth-token/oauth-endpoints';
import type { TokenPolicy } from '../shared/token-policy';

const CLIENT_AUTH_METHODS = ['private_key_jwt', 'client_secret_basic', 'client_secret_post'];

/** RFC 8414 authorization server metadata: only what Titan actually supports. */
export interface ServerMetadata {
  readonly issuer: string;
  readonly token_endpoint: string;
  readonly jwks_uri: string;
  readonly introspection_endpoint: string;
  readonly revocation_endpoint: string;
  readonly grant_types_supported: readonly string[];
  readonly response_types_supported: readonly string[];
  readonly token_endpoint_auth_methods_supported: readonly string[];
  readonly token_endpoint_auth_signing_alg_values_supported: readonly string[];
  readonly introspection_endpoint_auth_methods_supported: readonly string[];
  readonly introspection_endpoint_auth_signing_alg_values_supported: readonly string[];
  readonly revocation_endpoint_auth_methods_supported: readonly string[];
  readonly revocation_endpoint_auth_signing_alg_values_supported: readonly string[];
  readonly dpop_signing_alg_values_supported: readonly string[];
  readonly service_documentation: string;
}

/** `GET /.well-known/oauth-authorization-server`: built once from the configuration. */
export class GetServerMetadataUseCase {
  private readonly metadata: ServerMetadata;

  constructor(policy: TokenPolicy) {
    const url = (path: string) => endpointUrl(policy.issuer, path);
    this.metadata = Object.freeze({
      issuer: policy.issuer,
      token_endpoint: url(OAUTH_ENDPOINTS.token),
      jwks_uri: url(OAUTH_ENDPOINTS.jwks),
      introspection_endpoint: url(OAUTH_ENDPOINTS.introspection),
      revocation_endpoint: url(OAUTH_ENDPOINTS.revocation),
      grant_types_supported: [...SUPPORTED_GRANT_TYPES],
      // No authorization endpoint: Titan serves no response type.
      response_types_supported: [],
      token_endpoint_auth_methods_supported: CLIENT_AUTH_METHODS,
      token_endpoint_auth_signing_alg_values_supported: [CLIENT_ASSERTION_ALG],
      introspection_endpoint_auth_methods_supported: CLIENT_AUTH_METHODS,
      introspection_endpoint_auth_signing_alg_values_supported: [CLIENT_ASSERTION_ALG],
      revocation_endpoint_auth_methods_supported: CLIENT_AUTH_METHODS,
      revocation_endpoint_auth_signing_alg_values_supported: [CLIENT_ASSERTION_ALG],
      dpop_signing_alg_values_supported: [DPOP_ALG],
      service_documentation: url('/api/docs'),
    });
  }

  execute(): ServerMetadata {
    return this.metadata;
  }
}

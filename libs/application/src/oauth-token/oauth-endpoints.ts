/** Paths of the OAuth 2.0 endpoints, appended verbatim to the issuer (PRODUCT.md section 5). */
export const OAUTH_ENDPOINTS = {
  token: '/oauth2/token',
  introspection: '/oauth2/introspect',
  revocation: '/oauth2/revoke',
  jwks: '/.well-known/jwks.json',
  metadata: '/.well-known/oauth-authorization-server',
  nativeToken: '/v1/zkp/token',
} as const;

/** Absolute URL of one of Titan's endpoints: the configured issuer plus the path. */
export const endpointUrl = (issuer: string, path: string): string => `${issuer}${path}`;

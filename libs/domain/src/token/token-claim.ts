import { formatScope } from '../identity/scope';

/** `typ` header of every Titan access token (RFC 9068 section 2.1). */
export const ACCESS_TOKEN_TYPE = 'at+jwt';

/** Claims of an RFC 9068 access token. `cnf` appears only on sender-constrained (DPoP) tokens. */
export interface TokenClaim {
  readonly iss: string;
  readonly sub: string;
  readonly aud: string;
  readonly exp: number;
  readonly iat: number;
  readonly nbf: number;
  readonly jti: string;
  readonly client_id: string;
  readonly scope: string;
  readonly cnf?: { readonly jkt: string };
}

/** Builds the claims of a service token; times are whole seconds since the epoch. */
export function serviceTokenClaim(input: {
  issuer: string;
  identityId: string;
  audience: string;
  scopes: readonly string[];
  jti: string;
  now: Date;
  ttlSeconds: number;
  /** RFC 7638 thumbprint of the key a DPoP-bound token is bound to (`cnf.jkt`); Bearer tokens have none. */
  confirmationJkt?: string;
}): TokenClaim {
  const iat = Math.floor(input.now.getTime() / 1000);
  const claims: TokenClaim = {
    iss: input.issuer,
    sub: input.identityId,
    aud: input.audience,
    exp: iat + input.ttlSeconds,
    iat,
    nbf: iat,
    jti: input.jti,
    client_id: input.identityId,
    scope: formatScope(input.scopes),
  };
  return input.confirmationJkt === undefined ? claims : { ...claims, cnf: { jkt: input.confirmationJkt } };
}

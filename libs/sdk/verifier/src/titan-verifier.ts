import { createRemoteJWKSet, decodeProtectedHeader, errors, jwtVerify, type JWTPayload } from 'jose';
import { DpopReplayCache, verifyDpopProof } from './dpop-proof';
import { TitanVerifierError } from './titan-verifier-error';

export interface TitanVerifierOptions {
  /** The issuer to trust, exactly as Titan is configured (`TITAN_ISSUER`). */
  readonly issuer: string;
  /** This resource server's audience, or several; a token must carry one of them. */
  readonly audience: string | readonly string[];
  /** Default: `{issuer}/.well-known/jwks.json`. */
  readonly jwksUri?: string;
  /** Allowed clock skew for `exp`, `nbf` and `iat`; default 30, at most 300. */
  readonly clockToleranceSeconds?: number;
  /** Minimum time between two JWKS refetches triggered by an unknown `kid`; default 30000. */
  readonly cooldownMs?: number;
  /** How long a fetched JWKS is trusted before it is refetched; default 600000. */
  readonly cacheMaxAgeMs?: number;
  /** JWKS request timeout; default 5000. */
  readonly timeoutMs?: number;
  /** How old a DPoP proof may be (its `iat`), on top of the clock tolerance; default 60, at most 300. */
  readonly dpopProofMaxAgeSeconds?: number;
  /**
   * How many accepted DPoP proofs this verifier remembers to refuse their replay; default 10000.
   * Size it above the proofs you accept per `dpopProofMaxAgeSeconds + clockToleranceSeconds`.
   */
  readonly dpopReplayCacheSize?: number;
}

/** Claims of a Titan access token (RFC 9068). */
export interface TitanAccessTokenClaims extends JWTPayload {
  readonly iss: string;
  readonly sub: string;
  readonly aud: string | string[];
  readonly exp: number;
  readonly iat: number;
  readonly jti: string;
  readonly client_id: string;
  readonly scope?: string;
  /** Only on sender-constrained tokens: the RFC 7638 thumbprint of the DPoP key (RFC 9449 section 6). */
  readonly cnf?: { readonly jkt?: string };
}

export interface VerifiedToken {
  readonly subject: string;
  readonly clientId: string;
  readonly scopes: string[];
  readonly claims: TitanAccessTokenClaims;
}

/** A token verified with its DPoP proof: the principal and the key the token is bound to. */
export interface VerifiedDpopToken extends VerifiedToken {
  /** RFC 7638 thumbprint of the proof's key, equal to the token's `cnf.jkt`. */
  readonly jkt: string;
}

/** A request presenting a DPoP-bound token (RFC 9449 section 7). */
export interface DpopBoundRequest {
  /** The access token from `Authorization: DPoP <token>` (see `dpopToken()`). */
  readonly token: string;
  /** The `DPoP` header value: exactly one proof. */
  readonly proof: string;
  /** The HTTP method, as sent (compared case-sensitively with `htm`). */
  readonly method: string;
  /** The absolute URL the client called, as it sees it; query and fragment are ignored. */
  readonly url: string;
}

export interface TitanVerifier {
  readonly issuer: string;
  /**
   * Verifies a token presented as `Authorization: Bearer`. Resolves with the token's principal,
   * or rejects with a `TitanVerifierError`; DPoP-bound tokens (`cnf`) are refused.
   */
  verify(token: string): Promise<VerifiedToken>;
  /**
   * Verifies a token presented as `Authorization: DPoP` with its `DPoP` proof (RFC 9449): the token
   * as `verify()` does but it must carry `cnf.jkt`, then the proof (signature, `htm`, `htu`, `iat`,
   * `ath`), that the proof's key is the bound one, and that the proof was not used before. Rejects
   * with code `invalid_token` (token), `invalid_dpop_proof` (proof) or `jwks_unavailable`.
   */
  verifyDpopBoundRequest(request: DpopBoundRequest): Promise<VerifiedDpopToken>;
}

const ALGORITHMS = ['ES256', 'RS256'];
// Headers that would let the token choose its own verification key or semantics.
const FORBIDDEN_HEADERS = ['jku', 'x5u', 'jwk', 'x5c', 'crit'] as const;
const REQUIRED_CLAIMS = ['iss', 'sub', 'aud', 'exp', 'iat', 'jti', 'client_id'];
const MAX_CLOCK_TOLERANCE_SECONDS = 300;
const MAX_DPOP_PROOF_AGE_SECONDS = 300;

/**
 * Verifies Titan access tokens offline with the issuer's JWKS (cached; refetched on an unknown `kid`,
 * at most once per cooldown). Checks signature, `typ: at+jwt`, `iss`, `aud`, `exp`/`nbf` with bounded
 * skew, and refuses tokens whose header tries to supply or constrain its own key.
 *
 * @example
 * const verifier = createTitanVerifier({ issuer: 'https://auth.example.com', audience: 'billing-api' });
 * const { subject, scopes } = await verifier.verify(bearerToken);
 * const { subject, jkt } = await verifier.verifyDpopBoundRequest({ token, proof, method: 'GET', url });
 */
export function createTitanVerifier(options: TitanVerifierOptions): TitanVerifier {
  const issuer = options.issuer;
  if (typeof issuer !== 'string' || issuer === '') throw new TypeError('issuer is required');
  const audience = typeof options.audience === 'string' ? options.audience : [...options.audience];
  if (audience.length === 0) throw new TypeError('audience is required');
  const clockTolerance = options.clockToleranceSeconds ?? 30;
  if (!(clockTolerance >= 0 && clockTolerance <= MAX_CLOCK_TOLERANCE_SECONDS)) {
    throw new RangeError(`clockToleranceSeconds must be between 0 and ${MAX_CLOCK_TOLERANCE_SECONDS}`);
  }
  const dpopProofMaxAge = options.dpopProofMaxAgeSeconds ?? 60;
  if (!(dpopProofMaxAge > 0 && dpopProofMaxAge <= MAX_DPOP_PROOF_AGE_SECONDS)) {
    throw new RangeError(`dpopProofMaxAgeSeconds must be above 0 and at most ${MAX_DPOP_PROOF_AGE_SECONDS}`);
  }
  const replays = new DpopReplayCache(options.dpopReplayCacheSize ?? 10_000);
  const jwksUri = new URL(options.jwksUri ?? `${issuer.replace(/\/+$/, '')}/.well-known/jwks.json`);
  const jwks = createRemoteJWKSet(jwksUri, {
    cooldownDuration: options.cooldownMs ?? 30_000,
    cacheMaxAge: options.cacheMaxAgeMs ?? 600_000,
    timeoutDuration: options.timeoutMs ?? 5_000,
  });

  async function verifyAccessToken(token: string): Promise<TitanAccessTokenClaims> {
    checkHeader(token);
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, jwks, {
        issuer,
        audience,
        algorithms: ALGORITHMS,
        typ: 'at+jwt',
        clockTolerance,
        requiredClaims: REQUIRED_CLAIMS,
      }));
    } catch (cause) {
      throw translate(cause);
    }
    return checkClaims(payload);
  }

  return {
    issuer,
    async verify(token: string): Promise<VerifiedToken> {
      const claims = await verifyAccessToken(token);
      // A DPoP-bound token presented as Bearer must be refused (RFC 9449 section 7.1).
      if (claims.cnf !== undefined) throw invalid('the token is sender-constrained (DPoP) and cannot be used as a Bearer token');
      return principal(claims);
    },

    async verifyDpopBoundRequest(request: DpopBoundRequest): Promise<VerifiedDpopToken> {
      const claims = await verifyAccessToken(request.token);
      const boundKey = claims.cnf?.jkt;
      // The DPoP scheme is for bound tokens only (RFC 9449 section 7.1); a Bearer token stays a Bearer token.
      if (typeof boundKey !== 'string' || boundKey === '') throw invalid('the token is not DPoP-bound; present it as a Bearer token');
      const proof = await verifyDpopProof(request.proof, {
        method: request.method,
        url: request.url,
        accessToken: request.token,
        maxAgeSeconds: dpopProofMaxAge,
        clockToleranceSeconds: clockTolerance,
      });
      if (proof.jkt !== boundKey) throw new TitanVerifierError('invalid_dpop_proof', 'the DPoP proof is not signed with the key the token is bound to');
      // Last, so that only an accepted proof is spent; it stays remembered while its iat is acceptable.
      const acceptableUntilMs = (proof.iat + dpopProofMaxAge + clockTolerance) * 1000;
      if (!replays.markOnce(`${proof.jkt}.${proof.jti}`, acceptableUntilMs)) {
        throw new TitanVerifierError('invalid_dpop_proof', 'the DPoP proof has already been used');
      }
      return { ...principal(claims), jkt: proof.jkt };
    },
  };
}

const invalid = (message: string, cause?: unknown) => new TitanVerifierError('invalid_token', message, { cause });

// Compact JWS segments are unpadded base64url (RFC 7515); jose would also take padding.
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

function checkHeader(token: string): void {
  if (typeof token !== 'string' || !COMPACT_JWS.test(token)) throw invalid('the token is not a signed JWT in compact form');
  let header: Record<string, unknown>;
  try {
    header = decodeProtectedHeader(token);
  } catch (cause) {
    throw invalid('the token header is malformed', cause);
  }
  const forbidden = FORBIDDEN_HEADERS.find((name) => name in header);
  if (forbidden) throw invalid(`the token header carries "${forbidden}", which is not accepted`);
  if (typeof header['kid'] !== 'string') throw invalid('the token header has no "kid"');
}

function checkClaims(payload: JWTPayload): TitanAccessTokenClaims {
  const claims = payload as TitanAccessTokenClaims;
  if (typeof claims.sub !== 'string' || typeof claims.client_id !== 'string' || typeof claims.jti !== 'string') {
    throw invalid('the token claims are malformed');
  }
  if (claims.scope !== undefined && typeof claims.scope !== 'string') throw invalid('the token "scope" is malformed');
  if (claims.cnf !== undefined && (typeof claims.cnf !== 'object' || claims.cnf === null)) throw invalid('the token "cnf" is malformed');
  return claims;
}

function principal(claims: TitanAccessTokenClaims): VerifiedToken {
  return {
    subject: claims.sub,
    clientId: claims.client_id,
    scopes: (claims.scope ?? '').split(' ').filter((s) => s !== ''),
    claims,
  };
}

function translate(cause: unknown): TitanVerifierError {
  if (cause instanceof errors.JWTExpired) return invalid('the token has expired', cause);
  if (cause instanceof errors.JWTClaimValidationFailed) {
    const what: Record<string, string> = {
      iss: 'the token issuer is not accepted',
      aud: 'the token audience is not accepted',
      nbf: 'the token is not yet valid',
      iat: 'the token issue time is invalid',
      typ: 'the token type must be at+jwt',
    };
    return invalid(what[cause.claim] ?? `the token claim "${cause.claim}" is missing or invalid`, cause);
  }
  if (cause instanceof errors.JWKSNoMatchingKey) return invalid('the token was signed by an unknown key', cause);
  if (cause instanceof errors.JWSSignatureVerificationFailed) return invalid('the token signature is invalid', cause);
  if (cause instanceof errors.JOSEAlgNotAllowed) return invalid('the token algorithm is not accepted', cause);
  if (cause instanceof errors.JWKSTimeout || cause instanceof errors.JWKSInvalid) {
    return new TitanVerifierError('jwks_unavailable', 'the issuer signing keys are unavailable', { cause });
  }
  if (cause instanceof errors.JOSEError && cause.code !== 'ERR_JOSE_GENERIC') return invalid('the token is invalid', cause);
  // Network failures and non-200 JWKS answers: we could not check, which is not the token's fault.
  return new TitanVerifierError('jwks_unavailable', 'the issuer signing keys are unavailable', { cause });
}

/** The token of an `Authorization: <scheme> <token>` header (scheme case-insensitive), or undefined. */
function tokenOfScheme(scheme: string, authorization: string | readonly string[] | undefined): string | undefined {
  if (typeof authorization !== 'string') return undefined;
  const match = /^(\S+) +([A-Za-z0-9\-._~+/]+=*) *$/.exec(authorization);
  return match && match[1]!.toLowerCase() === scheme.toLowerCase() ? match[2] : undefined;
}

/** Extracts the token from an `Authorization: Bearer ...` header (scheme case-insensitive). */
export const bearerToken = (authorization: string | readonly string[] | undefined): string | undefined => tokenOfScheme('Bearer', authorization);

/** Extracts the token from an `Authorization: DPoP ...` header (scheme case-insensitive, RFC 9449 section 7.1). */
export const dpopToken = (authorization: string | readonly string[] | undefined): string | undefined => tokenOfScheme('DPoP', authorization);

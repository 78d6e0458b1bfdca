import { errors, jwtVerify, type JWTPayload } from 'jose';
import type { Clock, TokenVerifier } from '@titan/application';
import { ACCESS_TOKEN_TYPE, domainError, err, ok, type DomainError, type Result, type TokenClaim } from '@titan/domain';
import type { PublishedKeySource } from './signing-key-ring';
import { TitanKeySet, TokenRejection } from './titan-key-set';

export interface LocalTokenVerifierOptions {
  /** Expected `iss`, verbatim. */
  readonly issuer: string;
  /** Longest lifetime Titan issues (max of the service and user token TTLs): bounds token age. */
  readonly maxTokenLifetimeSeconds: number;
  /** Allowed clock skew for `exp`, `nbf` and `iat` (default 30). */
  readonly clockToleranceSeconds?: number;
  /** Longer tokens are refused unparsed (default 8192 characters). */
  readonly maxTokenLength?: number;
}

const REQUIRED_CLAIMS = ['exp', 'iat', 'nbf', 'jti', 'sub', 'client_id'];

/**
 * Verifies Titan access tokens locally with jose against the ring's published keys: header policy
 * (see TitanKeySet), signature with the key's fixed algorithm, `typ: at+jwt`, `iss`, `aud`, `exp`,
 * `nbf`, `iat` age, required claims. Every failure is `invalid_token` with the exact cause in `reason`.
 */
export class LocalTokenVerifier implements TokenVerifier {
  private readonly keys: TitanKeySet;
  private readonly tolerance: number;
  private readonly maxLength: number;

  constructor(
    source: PublishedKeySource,
    private readonly clock: Clock,
    private readonly options: LocalTokenVerifierOptions,
  ) {
    if (!Number.isInteger(options.maxTokenLifetimeSeconds) || options.maxTokenLifetimeSeconds <= 0) {
      throw new Error('maxTokenLifetimeSeconds must be a positive integer');
    }
    this.keys = new TitanKeySet(source);
    this.tolerance = options.clockToleranceSeconds ?? 30;
    this.maxLength = options.maxTokenLength ?? 8192;
  }

  verify(token: string, expectedAudience: string): Promise<Result<TokenClaim, DomainError>> {
    return this.check(token, expectedAudience);
  }

  /** Every check but `aud`: introspection and revocation accept tokens for any audience. */
  verifyAnyAudience(token: string): Promise<Result<TokenClaim, DomainError>> {
    return this.check(token, undefined);
  }

  private async check(token: string, expectedAudience: string | undefined): Promise<Result<TokenClaim, DomainError>> {
    // Outside the try: a ring that was never initialised is a wiring bug, thrown, not a bad token.
    const algorithms = this.keys.algorithms();
    try {
      if (typeof token !== 'string' || token.length === 0) throw new TokenRejection('malformed_jws');
      if (token.length > this.maxLength) throw new TokenRejection('token_too_long');
      this.keys.inspect(token);
      const { payload } = await jwtVerify(token, this.keys.resolver, {
        algorithms,
        typ: ACCESS_TOKEN_TYPE,
        issuer: this.options.issuer,
        ...(expectedAudience === undefined ? {} : { audience: expectedAudience }),
        requiredClaims: REQUIRED_CLAIMS,
        clockTolerance: this.tolerance,
        maxTokenAge: this.options.maxTokenLifetimeSeconds,
        currentDate: this.clock.now(),
      });
      return ok(this.claims(payload));
    } catch (error) {
      return err(domainError('invalid_token', 'the access token is not valid', reasonOf(error)));
    }
  }

  /** jose checked presence and time claims; this checks the shapes Titan's TokenClaim promises. */
  private claims(payload: JWTPayload): TokenClaim {
    const text = (name: string): string => {
      const value = payload[name];
      if (typeof value !== 'string' || value === '') throw new TokenRejection(`invalid_claim_${name}`);
      return value;
    };
    if (typeof payload.aud !== 'string') throw new TokenRejection('invalid_claim_aud');
    const exp = payload.exp!;
    const iat = payload.iat!;
    const nbf = payload.nbf!;
    if (exp - iat > this.options.maxTokenLifetimeSeconds) throw new TokenRejection('lifetime_exceeds_policy');
    const scope = payload['scope'] ?? '';
    if (typeof scope !== 'string') throw new TokenRejection('invalid_claim_scope');
    const claims: TokenClaim = {
      iss: text('iss'),
      sub: text('sub'),
      aud: payload.aud,
      exp,
      iat,
      nbf,
      jti: text('jti'),
      client_id: text('client_id'),
      scope,
    };
    const cnf = payload['cnf'];
    if (cnf === undefined) return claims;
    const jkt = (cnf as { jkt?: unknown } | null)?.jkt;
    if (typeof cnf !== 'object' || typeof jkt !== 'string') throw new TokenRejection('invalid_claim_cnf');
    return { ...claims, cnf: { jkt } };
  }
}

/** Maps jose's stable error codes (and ours) to the audit reason. */
export function reasonOf(error: unknown): string {
  if (error instanceof TokenRejection) return error.reason;
  if (error instanceof errors.JWTExpired) return error.claim === 'iat' ? 'token_too_old' : 'token_expired';
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.reason === 'missing') return `missing_claim_${error.claim}`;
    switch (error.claim) {
      case 'nbf':
        return 'token_not_yet_valid';
      case 'iat':
        return 'issued_in_the_future';
      case 'iss':
        return 'issuer_mismatch';
      case 'aud':
        return 'audience_mismatch';
      case 'typ':
        return 'typ_mismatch';
      default:
        return `invalid_claim_${error.claim}`;
    }
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'signature_invalid';
  if (error instanceof errors.JOSEAlgNotAllowed) return 'alg_not_allowed';
  if (error instanceof errors.JWKSNoMatchingKey) return 'unknown_kid';
  if (error instanceof errors.JOSENotSupported) return 'unsupported_header';
  if (error instanceof errors.JWSInvalid) return 'malformed_jws';
  if (error instanceof errors.JWTInvalid) return 'malformed_jwt';
  return 'verification_error';
}

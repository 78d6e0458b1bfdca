import { createHash } from 'node:crypto';
import { errors, jwtVerify, type JWTPayload } from 'jose';
import type { Clock, TokenVerifier } from '@titan/application';
import { ACCESS_TOKEN_TYPE, domainError, err, ok, type DomainError, type Result, type TokenClaim } from '@titan/domain';
import type { PublishedKey, PublishedKeySource } from './signing-key-ring';
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
  /**
   * Verified tokens remembered (bounded LRU, keyed by a SHA-256 of the token) so a token presented
   * again skips the signature check; 0 turns the cache off. Default 4096.
   */
  readonly cacheSize?: number;
}

/**
 * A token that passed every check: its claims, and the instants between which every time check
 * (exp, nbf, iat age, iat in the future, with the tolerance) passes again exactly as jose would.
 */
interface VerifiedEntry {
  readonly claims: TokenClaim;
  readonly validFromMs: number;
  readonly validUntilMs: number;
}

const REQUIRED_CLAIMS = ['exp', 'iat', 'nbf', 'jti', 'sub', 'client_id'];

/**
 * Verifies Titan access tokens locally with jose against the ring's published keys: header policy
 * (see TitanKeySet), signature with the key's fixed algorithm, `typ: at+jwt`, `iss`, `aud`, `exp`,
 * `nbf`, `iat` age, required claims. Every failure is `invalid_token` with the exact cause in `reason`.
 * A token that passed is remembered (bounded LRU keyed by its SHA-256, emptied whenever the published
 * keys change): presented again, it skips parsing and the signature, while its time checks and the
 * audience still apply on every call. Callers check the denylist and the identity every time.
 */
export class LocalTokenVerifier implements TokenVerifier {
  private readonly keys: TitanKeySet;
  private readonly tolerance: number;
  private readonly maxLength: number;
  private readonly cacheSize: number;
  private readonly verified = new Map<string, VerifiedEntry>();
  /** The published key array the cached entries were verified against: a new array empties the cache. */
  private verifiedAgainst: readonly PublishedKey[] | null = null;

  constructor(
    private readonly source: PublishedKeySource,
    private readonly clock: Clock,
    private readonly options: LocalTokenVerifierOptions,
  ) {
    if (!Number.isInteger(options.maxTokenLifetimeSeconds) || options.maxTokenLifetimeSeconds <= 0) {
      throw new Error('maxTokenLifetimeSeconds must be a positive integer');
    }
    this.keys = new TitanKeySet(source);
    this.tolerance = options.clockToleranceSeconds ?? 30;
    this.maxLength = options.maxTokenLength ?? 8192;
    this.cacheSize = options.cacheSize ?? 4096;
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
    const published = this.source.publishedKeys();
    try {
      if (typeof token !== 'string' || token.length === 0) throw new TokenRejection('malformed_jws');
      if (token.length > this.maxLength) throw new TokenRejection('token_too_long');
      const now = this.clock.now();
      const cacheKey = this.cacheSize > 0 ? this.cacheKeyOf(token, published) : undefined;
      if (cacheKey !== undefined) {
        const hit = this.verified.get(cacheKey);
        const nowMs = now.getTime();
        // Outside its time window or for another audience, a token takes the full path, which
        // gives the exact reason; inside, every check would pass again.
        if (hit && nowMs >= hit.validFromMs && nowMs < hit.validUntilMs && (expectedAudience === undefined || hit.claims.aud === expectedAudience)) {
          this.verified.delete(cacheKey);
          this.verified.set(cacheKey, hit);
          return ok(hit.claims);
        }
      }
      this.keys.inspect(token);
      const { payload } = await jwtVerify(token, this.keys.resolver, {
        algorithms,
        typ: ACCESS_TOKEN_TYPE,
        issuer: this.options.issuer,
        ...(expectedAudience === undefined ? {} : { audience: expectedAudience }),
        requiredClaims: REQUIRED_CLAIMS,
        clockTolerance: this.tolerance,
        maxTokenAge: this.options.maxTokenLifetimeSeconds,
        currentDate: now,
      });
      const claims = this.claims(payload);
      if (cacheKey !== undefined && this.verifiedAgainst === published) this.remember(cacheKey, claims);
      return ok(claims);
    } catch (error) {
      return err(domainError('invalid_token', 'the access token is not valid', reasonOf(error)));
    }
  }

  /** The cache key of a token; empties the cache when the published keys changed (a key revoked or removed). */
  private cacheKeyOf(token: string, published: readonly PublishedKey[]): string {
    if (this.verifiedAgainst !== published) {
      this.verified.clear();
      this.verifiedAgainst = published;
    }
    return createHash('sha256').update(token).digest('base64');
  }

  /**
   * jose passes the time checks at `now = floor(ms / 1000)` exactly when nbf <= now + tol,
   * exp > now - tol, now - iat - tol <= maxAge and now - iat >= -tol: the window below.
   */
  private remember(cacheKey: string, claims: TokenClaim): void {
    const tol = this.tolerance;
    const from = Math.ceil(Math.max(claims.nbf - tol, claims.iat - tol));
    const until = Math.min(Math.ceil(claims.exp + tol) - 1, Math.floor(claims.iat + this.options.maxTokenLifetimeSeconds + tol));
    if (!Number.isFinite(from) || !Number.isFinite(until) || until < from) return;
    if (this.verified.size >= this.cacheSize) this.verified.delete(this.verified.keys().next().value!);
    this.verified.set(cacheKey, Object.freeze({ claims: Object.freeze(claims), validFromMs: from * 1000, validUntilMs: (until + 1) * 1000 }));
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

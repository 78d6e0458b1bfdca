import { isWellFormedIdentityId } from '../identity/identity-id';
import { KEY_SELECTING_HEADER_MEMBERS, numericDate } from './compact-jws';

/** RFC 7523 section 2.2: the one client assertion type Titan accepts. */
export const JWT_BEARER_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/** The only algorithm an identity key signs with. */
export const CLIENT_ASSERTION_ALG = 'ES256';

/** Longest an assertion may be valid ahead of now (PRODUCT.md section 5: 5 minutes). */
export const CLIENT_ASSERTION_MAX_AHEAD_SECONDS = 300;

/** `jti` length bound, so replay-cache keys stay small. */
export const MAX_JTI_LENGTH = 255;

/** `typ` values that mark a JWT made for something else (token confusion, RFC 8725 section 3.11). */
const FOREIGN_TYPES = ['at+jwt', 'dpop+jwt', 'jwt-bearer+jwt'];

export interface ClientAssertionRules {
  /** Values `aud` may carry: the issuer and the endpoint URLs of this server. */
  readonly audiences: readonly string[];
  readonly nowSeconds: number;
  readonly clockSkewSeconds: number;
}

export interface CheckedClientAssertion {
  readonly clientId: string;
  readonly jti: string;
  readonly exp: number;
}

/** Outcome of a rule check: the checked value, or the exact reason (for the audit log) it failed. */
export type Checked<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly reason: string };

const fail = (reason: string): Checked<never> => ({ ok: false, reason });

/** Header rules of a client assertion: `alg` ES256 only, no key-selecting members, no foreign `typ`. */
export function checkClientAssertionHeader(header: Readonly<Record<string, unknown>>): Checked<{ kid?: string }> {
  if (header['alg'] !== CLIENT_ASSERTION_ALG) return fail('assertion_alg_not_allowed');
  for (const member of [...KEY_SELECTING_HEADER_MEMBERS, 'jwk']) {
    if (Object.hasOwn(header, member)) return fail(`assertion_forbidden_header_${member}`);
  }
  const typ = header['typ'];
  if (typ !== undefined && (typeof typ !== 'string' || FOREIGN_TYPES.includes(typ.toLowerCase()))) return fail('assertion_typ_not_allowed');
  const kid = header['kid'];
  return { ok: true, value: typeof kid === 'string' ? { kid } : {} };
}

/** The client an assertion claims to be (`iss`), before its signature is checked. */
export function assertionIssuer(payload: Readonly<Record<string, unknown>>): string | null {
  const iss = payload['iss'];
  return isWellFormedIdentityId(iss) ? iss : null;
}

/**
 * Claim rules of RFC 7523 section 3 as Titan applies them: `iss` = `sub` = client id, `aud` names
 * this server, `exp` required and at most 5 minutes ahead, `nbf`/`iat` not in the future, `jti`
 * required (its single use is the replay store's job).
 */
export function checkClientAssertionClaims(payload: Readonly<Record<string, unknown>>, rules: ClientAssertionRules): Checked<CheckedClientAssertion> {
  const clientId = assertionIssuer(payload);
  if (!clientId) return fail('assertion_iss_invalid');
  if (payload['sub'] !== clientId) return fail('assertion_sub_not_iss');
  const aud = payload['aud'];
  const audiences = typeof aud === 'string' ? [aud] : Array.isArray(aud) ? aud : [];
  if (!audiences.some((a) => typeof a === 'string' && rules.audiences.includes(a))) return fail('assertion_aud_mismatch');
  const exp = numericDate(payload, 'exp');
  if (exp === undefined) return fail('assertion_exp_missing');
  if (exp === null) return fail('assertion_exp_invalid');
  if (exp <= rules.nowSeconds - rules.clockSkewSeconds) return fail('assertion_expired');
  if (exp > rules.nowSeconds + CLIENT_ASSERTION_MAX_AHEAD_SECONDS + rules.clockSkewSeconds) return fail('assertion_exp_too_far_ahead');
  for (const name of ['nbf', 'iat']) {
    const value = numericDate(payload, name);
    if (value === null) return fail(`assertion_${name}_invalid`);
    if (value !== undefined && value > rules.nowSeconds + rules.clockSkewSeconds) return fail(`assertion_${name}_in_the_future`);
  }
  const jti = payload['jti'];
  if (jti === undefined) return fail('assertion_jti_missing');
  if (typeof jti !== 'string' || jti.length === 0 || jti.length > MAX_JTI_LENGTH) return fail('assertion_jti_invalid');
  return { ok: true, value: { clientId, jti, exp } };
}

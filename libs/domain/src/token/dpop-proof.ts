import { parseEcPublicJwk, type EcPublicJwk } from '../identity/ec-public-jwk';
import type { Checked } from './client-assertion';
import { KEY_SELECTING_HEADER_MEMBERS, numericDate } from './compact-jws';
import { MAX_JTI_LENGTH } from './client-assertion';

/** RFC 9449 section 4.2. */
export const DPOP_PROOF_TYPE = 'dpop+jwt';
export const DPOP_ALG = 'ES256';
/** `token_type` of a sender-constrained token (RFC 9449 section 5). */
export const DPOP_TOKEN_TYPE = 'DPoP';

export interface DpopProofRules {
  readonly htm: string;
  /** The request URL (issuer + path): compared without query and fragment. */
  readonly htu: string;
  readonly nowSeconds: number;
  /** How far `iat` may lie in the past. */
  readonly maxAgeSeconds: number;
  /** How far `iat` may lie in the future (clock skew). */
  readonly clockSkewSeconds: number;
  /** base64url SHA-256 of the access token presented with the proof; `ath` must match when set. */
  readonly accessTokenHash?: string;
}

export interface CheckedDpopProof {
  readonly jwk: EcPublicJwk;
  readonly jti: string;
  readonly iat: number;
  readonly nonce?: string;
}

const fail = (reason: string): Checked<never> => ({ ok: false, reason });

/** `scheme://host[:port]/path` of a URL, lower-cased scheme and host, no query or fragment; null if not a URL. */
export function normalizeHtu(value: string): string | null {
  try {
    const url = new URL(value);
    if (url.protocol !== 'https:' && url.protocol !== 'http:') return null;
    return `${url.protocol}//${url.host}${url.pathname}`;
  } catch {
    return null;
  }
}

/**
 * The checks of RFC 9449 section 4.3 that need no cryptography and no state: `typ`, `alg`, a public
 * P-256 `jwk` (no private members), no key-selecting headers, `htm`, `htu`, `iat` window, `jti`,
 * and `ath` when a token is presented. The caller then verifies the signature with `jwk`, checks
 * the nonce and records `jti` in the replay store.
 */
export function checkDpopProof(header: Readonly<Record<string, unknown>>, payload: Readonly<Record<string, unknown>>, rules: DpopProofRules): Checked<CheckedDpopProof> {
  if (header['typ'] !== DPOP_PROOF_TYPE) return fail('dpop_typ_invalid');
  if (header['alg'] !== DPOP_ALG) return fail('dpop_alg_not_allowed');
  for (const member of KEY_SELECTING_HEADER_MEMBERS) {
    if (Object.hasOwn(header, member)) return fail(`dpop_forbidden_header_${member}`);
  }
  const jwk = parseEcPublicJwk(header['jwk']);
  if (!jwk.ok) return fail(jwk.error.code === 'private_key_exposed' ? 'dpop_jwk_private' : 'dpop_jwk_invalid');
  if (payload['htm'] !== rules.htm) return fail('dpop_htm_mismatch');
  const htu = typeof payload['htu'] === 'string' ? normalizeHtu(payload['htu']) : null;
  if (htu === null || htu !== normalizeHtu(rules.htu)) return fail('dpop_htu_mismatch');
  const iat = numericDate(payload, 'iat');
  if (iat === undefined || iat === null) return fail('dpop_iat_invalid');
  if (iat > rules.nowSeconds + rules.clockSkewSeconds) return fail('dpop_iat_in_the_future');
  if (iat < rules.nowSeconds - rules.maxAgeSeconds) return fail('dpop_iat_too_old');
  const jti = payload['jti'];
  if (typeof jti !== 'string' || jti.length === 0 || jti.length > MAX_JTI_LENGTH) return fail('dpop_jti_invalid');
  if (rules.accessTokenHash !== undefined && payload['ath'] !== rules.accessTokenHash) return fail('dpop_ath_mismatch');
  const nonce = payload['nonce'];
  if (nonce !== undefined && (typeof nonce !== 'string' || nonce.length === 0 || nonce.length > 512)) return fail('dpop_nonce_invalid');
  return { ok: true, value: nonce === undefined ? { jwk: jwk.value, jti, iat } : { jwk: jwk.value, jti, iat, nonce } };
}

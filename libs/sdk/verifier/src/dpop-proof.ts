import { base64url, calculateJwkThumbprint, decodeProtectedHeader, EmbeddedJWK, errors, jwtVerify, type JWK } from 'jose';
import { TitanVerifierError } from './titan-verifier-error';

/** RFC 9449 section 4.2. */
const DPOP_PROOF_TYPE = 'dpop+jwt';
/** Titan binds tokens only to enrolled P-256 keys, so ES256 is the one proof algorithm worth accepting. */
export const DPOP_ALGORITHMS: readonly string[] = ['ES256'];
// A P-256 proof is about 600 characters; the bound keeps parsing cheap for hostile input.
const MAX_PROOF_LENGTH = 4096;
const MAX_JTI_LENGTH = 255;
// The proof's key must come from its `jwk`, nowhere else.
const FORBIDDEN_PROOF_HEADERS = ['jku', 'x5u', 'x5c', 'crit'] as const;
const PRIVATE_JWK_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k', 'priv'] as const;
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/** What the request says, which the proof must match. */
export interface DpopProofExpectations {
  readonly method: string;
  /** Absolute URL of the request; compared without query and fragment. */
  readonly url: string;
  readonly accessToken: string;
  readonly maxAgeSeconds: number;
  readonly clockToleranceSeconds: number;
}

export interface VerifiedDpopProof {
  /** RFC 7638 SHA-256 thumbprint of the proof's key. */
  readonly jkt: string;
  readonly jti: string;
  readonly iat: number;
}

const invalidProof = (message: string, cause?: unknown) => new TitanVerifierError('invalid_dpop_proof', message, { cause });

/**
 * `scheme://host[:port]/path` with scheme and host lower-cased and the default port dropped
 * (RFC 9449 section 4.3 step 9, via WHATWG URL parsing); no query or fragment. Undefined if the
 * value is not an absolute http(s) URL.
 */
export function normalizeHtu(value: string): string | undefined {
  if (!URL.canParse(value)) return undefined;
  const url = new URL(value);
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined;
  return `${url.protocol}//${url.host}${url.pathname}`;
}

/** `ath` (RFC 9449 section 4.2): base64url of the SHA-256 of the access token's ASCII bytes. */
export async function accessTokenHash(accessToken: string): Promise<string> {
  return base64url.encode(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(accessToken))));
}

/**
 * Verifies a DPoP proof as RFC 9449 section 4.3 asks of a resource server: one compact JWS, `typ`
 * `dpop+jwt`, an allowed asymmetric `alg`, a public `jwk` that verifies the signature, `jti`,
 * `htm`, `htu`, `iat` within the window, and `ath` matching the presented token. Binding the key
 * to the token (`cnf.jkt`) and single use of `jti` are the caller's checks on the result.
 * Every refusal is a `TitanVerifierError` with code `invalid_dpop_proof`.
 */
export async function verifyDpopProof(proof: string, expected: DpopProofExpectations): Promise<VerifiedDpopProof> {
  const expectedUrl = normalizeHtu(expected.url);
  if (expectedUrl === undefined) throw new TypeError('the request URL must be an absolute http(s) URL');
  const jwk = checkProofHeader(proof);
  let payload: Record<string, unknown>;
  try {
    ({ payload } = await jwtVerify(proof, EmbeddedJWK, {
      algorithms: [...DPOP_ALGORITHMS],
      maxTokenAge: expected.maxAgeSeconds,
      clockTolerance: expected.clockToleranceSeconds,
      requiredClaims: ['jti', 'htm', 'htu', 'iat', 'ath'],
    }));
  } catch (cause) {
    throw translateProofError(cause);
  }
  const { jti, htm, htu, ath, iat } = payload;
  if (typeof jti !== 'string' || jti === '' || jti.length > MAX_JTI_LENGTH) throw invalidProof('the DPoP proof "jti" is malformed');
  if (htm !== expected.method) throw invalidProof('the DPoP proof "htm" does not match the request method');
  if (typeof htu !== 'string' || normalizeHtu(htu) !== expectedUrl) throw invalidProof('the DPoP proof "htu" does not match the request URL');
  if (ath !== (await accessTokenHash(expected.accessToken))) throw invalidProof('the DPoP proof "ath" does not match the access token');
  return { jkt: await calculateJwkThumbprint(jwk, 'sha256'), jti, iat: iat as number };
}

/** Header checks jose leaves to us; returns the embedded public key. */
function checkProofHeader(proof: string): JWK {
  if (typeof proof !== 'string' || proof.length > MAX_PROOF_LENGTH || !COMPACT_JWS.test(proof)) {
    throw invalidProof('the DPoP proof is not a single signed JWT in compact form');
  }
  let header: Record<string, unknown>;
  try {
    header = decodeProtectedHeader(proof);
  } catch (cause) {
    throw invalidProof('the DPoP proof header is malformed', cause);
  }
  // Exact value: RFC 9449 names "dpop+jwt", where jose would also take "application/dpop+jwt".
  if (header['typ'] !== DPOP_PROOF_TYPE) throw invalidProof('the DPoP proof type must be dpop+jwt');
  if (typeof header['alg'] !== 'string' || !DPOP_ALGORITHMS.includes(header['alg'])) {
    throw invalidProof('the DPoP proof algorithm is not accepted');
  }
  const forbidden = FORBIDDEN_PROOF_HEADERS.find((name) => name in header);
  if (forbidden) throw invalidProof(`the DPoP proof header carries "${forbidden}", which is not accepted`);
  const jwk = header['jwk'];
  if (typeof jwk !== 'object' || jwk === null || Array.isArray(jwk)) throw invalidProof('the DPoP proof header has no "jwk"');
  if (PRIVATE_JWK_MEMBERS.some((member) => member in jwk)) throw invalidProof('the DPoP proof "jwk" must be a public key');
  return jwk as JWK;
}

function translateProofError(cause: unknown): TitanVerifierError {
  if (cause instanceof errors.JWTExpired) {
    return invalidProof(cause.claim === 'iat' ? 'the DPoP proof is too old' : 'the DPoP proof has expired', cause);
  }
  if (cause instanceof errors.JWTClaimValidationFailed) {
    if (cause.reason === 'missing') return invalidProof(`the DPoP proof has no "${cause.claim}"`, cause);
    if (cause.claim === 'iat' && cause.reason === 'check_failed') return invalidProof('the DPoP proof is issued in the future', cause);
    return invalidProof(`the DPoP proof "${cause.claim}" is invalid`, cause);
  }
  if (cause instanceof errors.JWSSignatureVerificationFailed) return invalidProof('the DPoP proof signature is invalid', cause);
  if (cause instanceof errors.JOSEAlgNotAllowed) return invalidProof('the DPoP proof algorithm is not accepted', cause);
  // Nothing here touches the network: whatever else failed (an unusable jwk, bad JSON) is the proof's fault.
  return invalidProof('the DPoP proof is invalid', cause);
}

/**
 * Remembers accepted proofs (key thumbprint + `jti`) until their `iat` window closes, so a proof
 * works once per verifier instance. Bounded: when full, the oldest entries go first, which only
 * weakens replay detection for proofs older than the newest `capacity` ones.
 */
export class DpopReplayCache {
  // Insertion order is close to expiry order, since every entry lives for the same window.
  private readonly expiries = new Map<string, number>();

  constructor(private readonly capacity: number) {
    if (!(Number.isInteger(capacity) && capacity > 0)) throw new RangeError('the DPoP replay cache size must be a positive integer');
  }

  get size(): number {
    return this.expiries.size;
  }

  /** Records `key` until `expiresAtMs`; false if it is already recorded and not yet expired. */
  markOnce(key: string, expiresAtMs: number, nowMs = Date.now()): boolean {
    const known = this.expiries.get(key);
    if (known !== undefined && known > nowMs) return false;
    this.expiries.delete(key);
    this.evict(nowMs);
    this.expiries.set(key, expiresAtMs);
    return true;
  }

  /** Drops expired entries from the front, then the oldest ones until there is room for one more. */
  private evict(nowMs: number): void {
    for (const [key, expiresAt] of this.expiries) {
      if (expiresAt > nowMs && this.expiries.size < this.capacity) return;
      this.expiries.delete(key);
    }
  }
}

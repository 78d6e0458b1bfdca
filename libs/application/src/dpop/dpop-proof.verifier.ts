import {
  checkDpopProof, domainError, epochSeconds, err, ok, parseCompactJws, thumbprintInput,
  type DomainError, type Result,
} from '@titan/domain';
import type { Clock } from '../ports/clock.port';
import type { CryptoLane } from '../ports/crypto-lane.port';
import type { Digest } from '../ports/digest.port';
import type { ReplayStore } from '../ports/replay-store.port';
import type { DpopNonces } from './dpop-nonces';

/** `required`: every proof at a token endpoint must carry a fresh server nonce; `optional`: only checked when present. */
export type DpopNoncePolicy = 'required' | 'optional';

export interface DpopProofOptions {
  readonly noncePolicy: DpopNoncePolicy;
  /** How old `iat` may be (default 60). */
  readonly maxAgeSeconds?: number;
  /** How far in the future `iat` may be (default 30). */
  readonly clockSkewSeconds?: number;
}

export interface DpopRequest {
  /** The `DPoP` header value, exactly one proof. */
  readonly proof: string;
  readonly htm: string;
  readonly htu: string;
  /** The access token presented with the proof (resource side): `ath` must be its hash. */
  readonly accessToken?: string;
  /** Token endpoints enforce the nonce policy; resource-side checks do not issue nonces. */
  readonly enforceNonce: boolean;
}

export interface VerifiedDpopProof {
  /** RFC 7638 thumbprint of the proof's key. */
  readonly jkt: string;
}

const MAX_PROOF_LENGTH = 4096;
const PROOF_SIGNATURE_BYTES = 64;

/**
 * Verifies a DPoP proof (RFC 9449 section 4.3): shape and claims (domain `checkDpopProof`), the
 * ES256 signature with the proof's own `jwk` through the crypto lane, the server nonce, and single
 * use of `jti` (ReplayStore, keyed by the key's thumbprint). Binding to a key the caller expects
 * (an enrolled key, or a token's `cnf.jkt`) is the caller's check on the returned `jkt`.
 */
export class DpopProofVerifier {
  private readonly maxAge: number;
  private readonly skew: number;

  constructor(
    private readonly crypto: CryptoLane,
    private readonly digest: Digest,
    private readonly replays: ReplayStore,
    private readonly nonces: DpopNonces,
    private readonly clock: Clock,
    private readonly options: DpopProofOptions,
  ) {
    this.maxAge = options.maxAgeSeconds ?? 60;
    this.skew = options.clockSkewSeconds ?? 30;
  }

  get noncePolicy(): DpopNoncePolicy {
    return this.options.noncePolicy;
  }

  /** A fresh server nonce for a `DPoP-Nonce` header. */
  issueNonce(): string {
    return this.nonces.issue();
  }

  async verify(request: DpopRequest): Promise<Result<VerifiedDpopProof, DomainError>> {
    const invalid = (reason: string) => err(domainError('invalid_dpop_proof', 'the DPoP proof is not valid', reason));
    if (request.proof.includes(',') || request.proof.includes(' ')) return invalid('dpop_several_proofs');
    const jws = parseCompactJws(request.proof, MAX_PROOF_LENGTH, 'DPoP proof');
    if (!jws.ok) return invalid('dpop_malformed');
    if (jws.value.signature.length !== PROOF_SIGNATURE_BYTES) return invalid('dpop_signature_length');
    const now = epochSeconds(this.clock.now());
    const checked = checkDpopProof(jws.value.header, jws.value.payload, {
      htm: request.htm,
      htu: request.htu,
      nowSeconds: now,
      maxAgeSeconds: this.maxAge,
      clockSkewSeconds: this.skew,
      ...(request.accessToken === undefined ? {} : { accessTokenHash: this.digest.sha256Base64Url(request.accessToken) }),
    });
    if (!checked.ok) return invalid(checked.reason);
    const proof = checked.value;
    const jkt = this.digest.sha256Base64Url(thumbprintInput(proof.jwk));
    const signed = await this.crypto.verify({
      key: { thumbprint: jkt, jwk: proof.jwk }, data: jws.value.signingInput, signature: jws.value.signature,
    });
    if (!signed) return invalid('dpop_signature_invalid');

    // The proof's jti first: a replayed proof is a replay, whatever its nonce; a proof refused for
    // its nonce is spent too, which costs an honest client nothing (it signs a new one with the nonce).
    if (!(await this.replays.markOnce(`dpop:${jkt}:${proof.jti}`, this.maxAge + this.skew))) return invalid('dpop_jti_replayed');
    if (request.enforceNonce) {
      const needNonce = err(domainError('use_dpop_nonce', 'the authorization server requires a DPoP nonce; use the DPoP-Nonce header value'));
      if (proof.nonce === undefined) {
        if (this.options.noncePolicy === 'required') return needNonce;
      } else if (!(await this.nonces.redeem(proof.nonce))) {
        return err(domainError('use_dpop_nonce', 'the DPoP nonce is unknown, expired or already used; use the DPoP-Nonce header value', 'dpop_nonce_invalid'));
      }
    }
    return ok({ jkt });
  }
}

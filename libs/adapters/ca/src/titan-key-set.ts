import { compactVerify, createLocalJWKSet, type CompactVerifyResult, type JWSHeaderParameters, type JWTVerifyGetKey } from 'jose';
import { decodeBase64Url, type SigningAlgorithm } from '@titan/domain';
import type { PublishedKey, PublishedKeySource } from './signing-key-ring';

/** A token refused before or during signature checks; `reason` is the exact cause for the audit log. */
export class TokenRejection extends Error {
  constructor(readonly reason: string) {
    super(`token rejected: ${reason}`);
    this.name = 'TokenRejection';
  }
}

/** Header members that would let a token choose its own key or extend processing rules. */
export const FORBIDDEN_HEADER_MEMBERS = ['jku', 'x5u', 'jwk', 'x5c', 'crit'] as const;
const SIGNING_ALGORITHMS: readonly string[] = ['ES256', 'RS256'];

interface Snapshot {
  readonly source: readonly PublishedKey[];
  readonly byKid: ReadonlyMap<string, PublishedKey>;
  readonly algorithms: SigningAlgorithm[];
  readonly localSet: JWTVerifyGetKey;
}

/**
 * Titan's published keys as a jose key resolver that never trusts the token header: the header may
 * only name one of Titan's kids, with exactly that key's fixed algorithm, and may not carry
 * `jku`/`x5u`/`jwk`/`x5c` or any `crit`. Rebuilt whenever the source publishes a new key array.
 */
export class TitanKeySet {
  private snapshot: Snapshot | null = null;

  constructor(private readonly source: PublishedKeySource) {}

  /** Algorithms of the keys currently published (jose's `algorithms` option). */
  algorithms(): SigningAlgorithm[] {
    return this.current().algorithms;
  }

  /**
   * Checks the protected header of a compact JWS before any cryptography; throws TokenRejection.
   * jose enforces the same again inside `resolver`.
   */
  inspect(token: string): JWSHeaderParameters {
    const parts = token.split('.');
    if (parts.length !== 3) throw new TokenRejection('malformed_jws');
    // RFC 7515 compact form is unpadded base64url; jose also tolerates padding, Titan refuses it, so
    // every token has exactly one accepted spelling.
    if (!decodeBase64Url(parts[1]!).ok) throw new TokenRejection('malformed_payload');
    if (!decodeBase64Url(parts[2]!).ok) throw new TokenRejection('malformed_signature');
    const decoded = decodeBase64Url(parts[0]!);
    if (!decoded.ok) throw new TokenRejection('malformed_header');
    let header: unknown;
    try {
      header = JSON.parse(Buffer.from(decoded.value).toString('utf8'));
    } catch {
      throw new TokenRejection('malformed_header');
    }
    if (typeof header !== 'object' || header === null || Array.isArray(header)) throw new TokenRejection('malformed_header');
    this.check(header as JWSHeaderParameters);
    return header as JWSHeaderParameters;
  }

  /** The jose key resolver: header policy, then jose's local JWKS (which matches kid and alg again). */
  readonly resolver: JWTVerifyGetKey = (header, token) => {
    this.check(header);
    return this.current().localSet(header, token);
  };

  private check(header: JWSHeaderParameters): PublishedKey {
    for (const member of FORBIDDEN_HEADER_MEMBERS) {
      if (Object.hasOwn(header, member)) throw new TokenRejection(`forbidden_header_${member}`);
    }
    const { alg, kid } = header;
    if (typeof alg !== 'string' || !SIGNING_ALGORITHMS.includes(alg)) throw new TokenRejection('alg_not_allowed');
    if (typeof kid !== 'string') throw new TokenRejection('missing_kid');
    const key = this.current().byKid.get(kid);
    if (!key) throw new TokenRejection('unknown_kid');
    if (key.alg !== alg) throw new TokenRejection('alg_mismatch');
    return key;
  }

  private current(): Snapshot {
    const published = this.source.publishedKeys();
    if (this.snapshot?.source !== published) {
      this.snapshot = {
        source: published,
        byKid: new Map(published.map((k) => [k.kid, k])),
        algorithms: [...new Set(published.map((k) => k.alg))],
        localSet: createLocalJWKSet({ keys: published.map((k) => ({ ...k.publicJwk })) }),
      };
    }
    return this.snapshot;
  }
}

/**
 * Verifies a compact JWS (any payload) exactly as the token verifier does before claims: header
 * policy, then jose's compactVerify against Titan's keys with the per-key algorithm.
 */
export async function verifyTitanJws(jws: string, keys: TitanKeySet): Promise<CompactVerifyResult> {
  keys.inspect(jws);
  return compactVerify(jws, keys.resolver, { algorithms: keys.algorithms() });
}

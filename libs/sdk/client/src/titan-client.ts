import type { JsonWebKey, KeyObject } from 'node:crypto';
import { decodeBase64UrlOfLength, encodeBase64Url, isWellFormedIdentityId, NONCE_BYTES, proofMessage } from '@titan/domain';
import { requestJson, type FetchFunction } from './http-json';
import { NodeKeySigner } from './node-key-signer';
import { assertP1363, type ProofSigner } from './proof-signer';
import { TitanClientError } from './titan-client-error';
import { lazyWebCryptoSigner } from './webcrypto-signer';

export interface TitanClientOptions {
  /** Titan's base URL, e.g. `https://auth.example.com`. */
  readonly baseUrl: string;
  /**
   * The issuer this client trusts; it goes into every signed proof, so a relaying server cannot
   * reuse the proof. Default: `baseUrl` without trailing slashes.
   */
  readonly issuer?: string;
  readonly identityId: string;
  /** A P-256 private JWK or KeyObject. Node signs with node:crypto; elsewhere a JWK goes to WebCrypto. */
  readonly privateKey?: JsonWebKey | KeyObject;
  /** Any other way to sign (WebCryptoSigner, NobleSigner, an HSM...). Exactly one of privateKey / signer. */
  readonly signer?: ProofSigner;
  readonly audience?: string;
  /** Scopes to request: a space-separated string or a list. Default: all the identity's scopes. */
  readonly scope?: string | readonly string[];
  readonly fetch?: FetchFunction;
  /** Renew this long before expiry (capped at half the token lifetime). Default 60. */
  readonly renewBeforeSeconds?: number;
  /** Per-request timeout. Default 10000. */
  readonly timeoutMs?: number;
  /** Milliseconds since the epoch; tests move it. */
  readonly now?: () => number;
}

/** The token endpoint's answer, as sent. */
export interface TokenResponse {
  readonly access_token: string;
  readonly token_type: 'Bearer';
  readonly expires_in: number;
  readonly scope: string;
}

export interface TitanToken {
  readonly accessToken: string;
  readonly tokenType: 'Bearer';
  readonly scope: string;
  readonly expiresIn: number;
  /** Milliseconds since the epoch, measured from when the handshake started (conservative). */
  readonly expiresAt: number;
  /** When the client will renew it. */
  readonly renewAt: number;
  readonly response: TokenResponse;
}

interface ChallengeResponse {
  readonly challengeId: string;
  readonly nonce: string;
}

const DEFAULT_RENEW_BEFORE_SECONDS = 60;
const DEFAULT_TIMEOUT_MS = 10_000;
// The challenge id is a line of the signed message: a newline in it could shift the other lines.
const CHALLENGE_ID = /^[\x21-\x7e]{1,512}$/;

/**
 * Obtains Titan access tokens by proof of possession (PRODUCT.md section 4), caches them and renews
 * them before they expire. Concurrent `getToken()` calls share one in-flight handshake.
 *
 * @example
 * const client = new TitanClient({ baseUrl: 'https://auth.example.com', identityId: 'billing', privateKey: jwk });
 * const res = await fetch(url, { headers: { authorization: `Bearer ${await client.getToken()}` } });
 */
export class TitanClient {
  readonly issuer: string;
  readonly identityId: string;
  private readonly baseUrl: string;
  private readonly signer: ProofSigner;
  private readonly audience: string | undefined;
  private readonly scope: string | undefined;
  private readonly fetchFn: FetchFunction;
  private readonly renewBeforeMs: number;
  private readonly timeoutMs: number;
  private readonly now: () => number;
  private cached: TitanToken | undefined;
  private inFlight: Promise<TitanToken> | undefined;

  constructor(options: TitanClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    if (!/^https?:\/\/[^/]/.test(this.baseUrl)) throw new TypeError('baseUrl must be an http(s) URL');
    this.issuer = options.issuer ?? this.baseUrl;
    if (this.issuer === '' || this.issuer.endsWith('/')) throw new TypeError('issuer must be non-empty and must not end with "/"');
    if (!isWellFormedIdentityId(options.identityId)) throw new TypeError('identityId must match ^[a-z0-9][a-z0-9._-]{1,62}$');
    this.identityId = options.identityId;
    this.signer = resolveSigner(options);
    this.audience = options.audience;
    const scope = typeof options.scope === 'string' ? options.scope : options.scope?.join(' ');
    this.scope = scope === undefined || scope.trim() === '' ? undefined : scope.trim().split(/ +/).join(' ');
    this.fetchFn = options.fetch ?? ((input, init) => fetch(input, init));
    const renewBefore = options.renewBeforeSeconds ?? DEFAULT_RENEW_BEFORE_SECONDS;
    if (!(renewBefore >= 0)) throw new RangeError('renewBeforeSeconds must be >= 0');
    this.renewBeforeMs = renewBefore * 1000;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.now = options.now ?? Date.now;
  }

  /** A valid access token: the cached one until its renewal time, else a fresh one (single-flight). */
  async getToken(): Promise<string> {
    return (await this.getTokenSet()).accessToken;
  }

  /** Like `getToken()`, with the token's scope and expiry. */
  getTokenSet(): Promise<TitanToken> {
    const cached = this.cached;
    if (cached && this.now() < cached.renewAt) return Promise.resolve(cached);
    if (!this.inFlight) {
      const flight = this.handshake().finally(() => {
        if (this.inFlight === flight) this.inFlight = undefined;
      });
      this.inFlight = flight;
    }
    return this.inFlight;
  }

  /** Always performs a fresh handshake (challenge, proof, token) and caches the result. */
  async handshake(): Promise<TitanToken> {
    const startedAt = this.now();
    const challenge = parseChallenge(
      await requestJson(this.fetchFn, `${this.baseUrl}/v1/zkp/challenge`, {
        method: 'POST',
        timeoutMs: this.timeoutMs,
        body: {
          identityId: this.identityId,
          ...(this.audience !== undefined && { audience: this.audience }),
          ...(this.scope !== undefined && { scope: this.scope }),
        },
      }),
    );
    const message = new TextEncoder().encode(proofMessage(this.issuer, this.identityId, challenge.challengeId, challenge.nonce));
    const signature = encodeBase64Url(assertP1363(await this.signer.sign(message)));
    const response = parseTokenResponse(
      await requestJson(this.fetchFn, `${this.baseUrl}/v1/zkp/token`, {
        method: 'POST',
        timeoutMs: this.timeoutMs,
        body: { identityId: this.identityId, challengeId: challenge.challengeId, signature },
      }),
    );
    const lifetimeMs = response.expires_in * 1000;
    const token: TitanToken = {
      accessToken: response.access_token,
      tokenType: 'Bearer',
      scope: response.scope,
      expiresIn: response.expires_in,
      expiresAt: startedAt + lifetimeMs,
      renewAt: startedAt + lifetimeMs - Math.min(this.renewBeforeMs, lifetimeMs / 2),
      response,
    };
    if (!this.cached || token.expiresAt >= this.cached.expiresAt) this.cached = token;
    return token;
  }

  /** Forgets the cached token, e.g. after a resource server answered `invalid_token`. */
  invalidate(): void {
    this.cached = undefined;
  }
}

function resolveSigner(options: TitanClientOptions): ProofSigner {
  if ((options.signer === undefined) === (options.privateKey === undefined)) {
    throw new TypeError('pass exactly one of privateKey and signer');
  }
  if (options.signer) return options.signer;
  const hasNodeCrypto = typeof (globalThis as { process?: { getBuiltinModule?: unknown } }).process?.getBuiltinModule === 'function';
  if (hasNodeCrypto) return new NodeKeySigner(options.privateKey!);
  return lazyWebCryptoSigner(options.privateKey as JsonWebKey);
}

function parseChallenge(body: unknown): ChallengeResponse {
  const b = (body ?? {}) as Record<string, unknown>;
  const { challengeId, nonce } = b;
  if (typeof challengeId !== 'string' || !CHALLENGE_ID.test(challengeId)) {
    throw new TitanClientError('invalid_response', 'challenge response has no valid challengeId', 201);
  }
  if (typeof nonce !== 'string' || !decodeBase64UrlOfLength(nonce, NONCE_BYTES, 'nonce').ok) {
    throw new TitanClientError('invalid_response', 'challenge nonce is not 32 bytes of unpadded base64url', 201);
  }
  return { challengeId, nonce };
}

function parseTokenResponse(body: unknown): TokenResponse {
  const b = (body ?? {}) as Record<string, unknown>;
  const { access_token, token_type, expires_in, scope } = b;
  if (typeof access_token !== 'string' || access_token === '') {
    throw new TitanClientError('invalid_response', 'token response has no access_token', 200);
  }
  if (typeof token_type !== 'string' || token_type.toLowerCase() !== 'bearer') {
    throw new TitanClientError('invalid_response', `unexpected token_type ${JSON.stringify(token_type)}`, 200);
  }
  if (typeof expires_in !== 'number' || !Number.isFinite(expires_in) || expires_in <= 0) {
    throw new TitanClientError('invalid_response', 'token response has no valid expires_in', 200);
  }
  return { access_token, token_type: 'Bearer', expires_in, scope: typeof scope === 'string' ? scope : '' };
}

import type { EcPublicJwk } from '@titan/domain';

export interface VerifyRequest {
  /** Thumbprint identifies the key so lanes can cache the parsed key object. */
  readonly key: { readonly thumbprint: string; readonly jwk: EcPublicJwk };
  readonly data: Uint8Array;
  /** ECDSA P-256 / SHA-256 signature in IEEE P1363 form (r || s, 64 bytes). */
  readonly signature: Uint8Array;
}

export interface SignRequest {
  /** `kid` identifies the key so lanes can cache the parsed key object. */
  readonly key: { readonly kid: string; readonly alg: 'ES256' | 'RS256'; readonly privateJwk: Readonly<Record<string, string>> };
  readonly data: Uint8Array;
}

/**
 * Where the hot-path public-key operations run: inline on the event loop or in worker threads.
 * Signatures in and out are JOSE-shaped (P1363 for ES256).
 */
export interface CryptoLane {
  verify(request: VerifyRequest): Promise<boolean>;
  sign(request: SignRequest): Promise<Uint8Array>;
  close(): Promise<void>;
}
export const CryptoLane = Symbol('CryptoLane');

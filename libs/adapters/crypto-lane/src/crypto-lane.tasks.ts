import type { EcPublicJwk } from '@titan/domain';
import type { LaneAlgorithm } from './crypto-lane.operations';

/** Message to a worker: signature then data packed in one transferred ArrayBuffer (one copy, no clone). */
export interface VerifyTask {
  readonly thumbprint: string;
  readonly jwk: EcPublicJwk;
  readonly bytes: ArrayBuffer;
  readonly signatureLength: number;
}

export interface SignTask {
  readonly kid: string;
  readonly alg: LaneAlgorithm;
  readonly privateJwk: Readonly<Record<string, string>>;
  readonly data: ArrayBuffer;
}

import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { proofMessage } from '@titan/domain';

export interface ServiceKey {
  readonly privateKey: KeyObject;
  readonly publicJwk: Record<string, string>;
  readonly privateJwk: Record<string, string>;
}

export function newServiceKey(): ServiceKey {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return {
    privateKey,
    publicJwk: publicKey.export({ format: 'jwk' }) as Record<string, string>,
    privateJwk: privateKey.export({ format: 'jwk' }) as Record<string, string>,
  };
}

/** P1363 signature over arbitrary text, base64url. */
export const signText = (key: ServiceKey, text: string): string =>
  sign('sha256', Buffer.from(text, 'utf8'), { key: key.privateKey, dsaEncoding: 'ieee-p1363' }).toString('base64url');

export const signProof = (key: ServiceKey, issuer: string, identityId: string, challengeId: string, nonce: string): string =>
  signText(key, proofMessage(issuer, identityId, challengeId, nonce));

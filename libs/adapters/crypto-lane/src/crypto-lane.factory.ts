import type { CryptoLane } from '@titan/application';
import { InlineCryptoLane } from './inline-crypto-lane.adapter';
import { PiscinaCryptoLane, type PiscinaCryptoLaneOptions } from './piscina-crypto-lane.adapter';

export type CryptoLaneKind = 'inline' | 'piscina';
export type CryptoLaneOptions = PiscinaCryptoLaneOptions;

/** Builds the configured lane; thread options are ignored by the inline lane. */
export function createCryptoLane(kind: CryptoLaneKind, options: CryptoLaneOptions = {}): CryptoLane {
  switch (kind) {
    case 'inline':
      return new InlineCryptoLane({
        publicKeyCacheSize: options.publicKeyCacheSize,
        privateKeyCacheSize: options.privateKeyCacheSize,
      });
    case 'piscina':
      return new PiscinaCryptoLane(options);
    default:
      throw new Error(`unknown crypto lane kind: ${String(kind)}`);
  }
}

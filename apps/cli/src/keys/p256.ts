import type { KeyObject } from 'node:crypto';
import { CommandError } from '../cli-error';

/** Refuses anything but EC P-256, naming what was found. */
export function assertP256(key: KeyObject, path: string): void {
  const curve = key.asymmetricKeyDetails?.namedCurve;
  if (key.asymmetricKeyType !== 'ec' || curve !== 'prime256v1') {
    const found = key.asymmetricKeyType === 'ec' ? `EC ${curve ?? 'unknown curve'}` : (key.asymmetricKeyType ?? 'unknown').toUpperCase();
    throw new CommandError('unsupported_key', `${path} holds a ${found} key; Titan identity keys are EC P-256`);
  }
}

/**
 * Piscina worker entry, loaded from dist as compiled JavaScript. Each worker keeps its own parsed-key
 * caches, so a warm pool parses each key once per thread.
 */
import { workerData } from 'node:worker_threads';
import { Piscina } from 'piscina';
import { CryptoOperations } from './crypto-lane.operations';
import type { SignTask, VerifyTask } from './crypto-lane.tasks';

const operations = new CryptoOperations((workerData ?? {}) as ConstructorParameters<typeof CryptoOperations>[0]);

export function verify(task: VerifyTask): boolean {
  try {
    const bytes = new Uint8Array(task.bytes);
    const signature = bytes.subarray(0, task.signatureLength);
    const data = bytes.subarray(task.signatureLength);
    return operations.verifyEs256(task.thumbprint, task.jwk, data, signature);
  } catch {
    return false;
  }
}

export function sign(task: SignTask): ArrayBuffer {
  const signature = operations.sign(task.kid, task.alg, task.privateJwk, new Uint8Array(task.data));
  // Copy into an ArrayBuffer we own outright, then move it back instead of cloning.
  const out = new Uint8Array(signature.length);
  out.set(signature);
  return Piscina.move(out.buffer) as ArrayBuffer;
}

import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Piscina } from 'piscina';
import type { CryptoLane, SignRequest, VerifyRequest } from '@titan/application';
import type { CryptoOperationsOptions } from './crypto-lane.operations';
import { P1363_SIGNATURE_BYTES } from './ecdsa-p256';
import type { SignTask, VerifyTask } from './crypto-lane.tasks';

export interface PiscinaCryptoLaneOptions extends CryptoOperationsOptions {
  /** Worker threads (default: available cores). */
  readonly threads?: number;
  /** Threads kept alive when idle (default: all of them, so key caches stay warm). */
  readonly minThreads?: number;
  /** Milliseconds before an idle thread above `minThreads` exits (default 30 000). */
  readonly idleTimeoutMs?: number;
  /**
   * Tasks allowed to wait for a free thread (default 4096). Beyond it verify/sign reject (an
   * infrastructure error, i.e. 503) rather than queueing without bound under overload.
   */
  readonly maxQueue?: number | 'auto';
}

const DEFAULT_MAX_QUEUE = 4096;
// Compiled JavaScript next to this file in dist: workers never load TypeScript.
const WORKER_FILE = join(__dirname, 'crypto-lane.worker.js');

/**
 * Runs verification and signing in Piscina worker threads, keeping the event loop free under load.
 * Bytes go over in one freshly allocated, transferred buffer per task.
 */
export class PiscinaCryptoLane implements CryptoLane {
  private readonly pool: Piscina;
  private closed = false;

  constructor(options: PiscinaCryptoLaneOptions = {}) {
    const threads = Math.max(1, options.threads ?? availableParallelism());
    const workerData: CryptoOperationsOptions = {
      publicKeyCacheSize: options.publicKeyCacheSize,
      privateKeyCacheSize: options.privateKeyCacheSize,
    };
    this.pool = new Piscina({
      filename: WORKER_FILE,
      maxThreads: threads,
      minThreads: Math.min(threads, options.minThreads ?? threads),
      idleTimeout: options.idleTimeoutMs ?? 30_000,
      maxQueue: options.maxQueue ?? DEFAULT_MAX_QUEUE,
      workerData,
    });
  }

  /** Tasks waiting for a free thread (exported as a metric). */
  get queueDepth(): number {
    return this.pool.queueSize;
  }

  get threadCount(): number {
    return this.pool.threads.length;
  }

  async verify(request: VerifyRequest): Promise<boolean> {
    this.assertOpen();
    let task: VerifyTask;
    try {
      // Wrong-size signatures never cost a thread hop (nor OpenSSL).
      if (request.signature.length !== P1363_SIGNATURE_BYTES) return false;
      // Copy into a buffer we own: callers' bytes may be views on Node's shared Buffer pool.
      const packed = new Uint8Array(P1363_SIGNATURE_BYTES + request.data.length);
      packed.set(request.signature, 0);
      packed.set(request.data, P1363_SIGNATURE_BYTES);
      const { kty, crv, x, y } = request.key.jwk;
      task = { thumbprint: request.key.thumbprint, jwk: { kty, crv, x, y }, bytes: packed.buffer, signatureLength: P1363_SIGNATURE_BYTES };
    } catch {
      return false;
    }
    return (await this.pool.run(task, { name: 'verify', transferList: [task.bytes] })) as boolean;
  }

  async sign(request: SignRequest): Promise<Uint8Array> {
    this.assertOpen();
    const data = new Uint8Array(request.data); // owned copy, safe to transfer
    const task: SignTask = { kid: request.key.kid, alg: request.key.alg, privateJwk: request.key.privateJwk, data: data.buffer };
    const signature = (await this.pool.run(task, { name: 'sign', transferList: [task.data] })) as ArrayBuffer;
    return new Uint8Array(signature);
  }

  /** Destroys the pool: in-flight tasks are rejected, threads exit. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.destroy();
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('crypto lane is closed');
  }
}

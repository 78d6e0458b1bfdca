import type { CryptoLane, SignRequest, VerifyRequest } from '@titan/application';
import type { TitanMetrics } from '../metrics/titan-metrics';

/**
 * A crypto lane that times every task (queue wait included, as the caller sees it). `lane` names
 * the wrapped lane in the `lane` label (`inline`, `piscina`).
 */
export class MeasuredCryptoLane implements CryptoLane {
  constructor(
    private readonly inner: CryptoLane,
    private readonly lane: string,
    private readonly metrics: TitanMetrics,
  ) {}

  async verify(request: VerifyRequest): Promise<boolean> {
    const started = performance.now();
    try {
      return await this.inner.verify(request);
    } finally {
      this.metrics.cryptoTask('verify', this.lane, (performance.now() - started) / 1000);
    }
  }

  async sign(request: SignRequest): Promise<Uint8Array> {
    const started = performance.now();
    try {
      return await this.inner.sign(request);
    } finally {
      this.metrics.cryptoTask('sign', this.lane, (performance.now() - started) / 1000);
    }
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}

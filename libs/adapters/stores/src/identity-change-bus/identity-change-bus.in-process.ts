import type { IdentityChangeBus } from '@titan/application';
import { ListenerSet, warnOnError, type IdentityChangeListener } from './listener-set';

export interface InProcessIdentityChangeBusOptions {
  /** Errors thrown by listeners. Default: `process.emitWarning`. */
  readonly onError?: (error: unknown) => void;
}

/**
 * The change bus of the embedded mode (one process): `publish` calls every listener synchronously,
 * before it resolves. Nothing can be missed, so listeners never receive `null`.
 */
export class InProcessIdentityChangeBus implements IdentityChangeBus {
  private readonly listeners: ListenerSet;
  private closed = false;

  constructor(options: InProcessIdentityChangeBusOptions = {}) {
    this.listeners = new ListenerSet(options.onError ?? warnOnError);
  }

  async publish(identityId: string): Promise<void> {
    this.assertOpen();
    this.listeners.deliver(identityId);
  }

  async subscribe(listener: IdentityChangeListener): Promise<void> {
    this.assertOpen();
    this.listeners.add(listener);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.listeners.clear();
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('identity change bus is closed');
  }
}

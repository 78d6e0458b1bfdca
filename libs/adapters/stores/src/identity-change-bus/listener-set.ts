export type IdentityChangeListener = (identityId: string | null) => void;

/**
 * The listeners of one bus. A listener that throws is reported and does not stop the others: one
 * broken cache must not leave the rest stale.
 */
export class ListenerSet {
  private readonly listeners = new Set<IdentityChangeListener>();

  constructor(private readonly onError: (error: unknown) => void) {}

  add(listener: IdentityChangeListener): void {
    this.listeners.add(listener);
  }

  deliver(identityId: string | null): void {
    for (const listener of this.listeners) {
      try {
        listener(identityId);
      } catch (error) {
        this.onError(error);
      }
    }
  }

  clear(): void {
    this.listeners.clear();
  }
}

export const warnOnError = (error: unknown): void => {
  process.emitWarning(error instanceof Error ? error : new Error(String(error)), 'TitanIdentityChangeBus');
};

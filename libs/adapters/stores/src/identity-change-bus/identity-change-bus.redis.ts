import type { IdentityChangeBus } from '@titan/application';
import type Redis from 'ioredis';
import { closeRedisConnection } from '../redis/redis-connection';
import { StoreUnavailableError, storeCall } from '../redis/store-unavailable.error';
import { ListenerSet, warnOnError, type IdentityChangeListener } from './listener-set';

export interface RedisIdentityChangeBusOptions {
  /** Deployment-wide prefix; the channel is `{prefix}identity-changed`. Default `titan:`. */
  readonly prefix?: string;
  /**
   * How often the subscriber connection is PINGed; a PING that fails or takes longer than
   * `healthCheckTimeoutMs` forces a reconnect (and so a `null` to listeners), which catches a
   * half-open connection that would otherwise lose messages silently. Default 15 000; 0 disables.
   */
  readonly healthCheckIntervalMs?: number;
  /** Default 2000. */
  readonly healthCheckTimeoutMs?: number;
  /** Listener errors and subscriber connection errors. Default: `process.emitWarning`. */
  readonly onError?: (error: unknown) => void;
}

/**
 * Identity changes over Redis pub/sub, for several instances. `publish` goes through the shared
 * command connection; the bus opens its own subscriber connection (a duplicate of it) on the first
 * `subscribe` and closes it in `close()`. Every instance receives every message, the publisher
 * included.
 *
 * Pub/sub delivers at most once: whenever the subscriber comes back after a disconnection, the bus
 * subscribes again and then tells listeners `null` ("drop everything"), since anything published
 * in between was lost. The first subscription delivers no `null`.
 *
 * Channels are not scoped by `SELECT`ed database: the prefix is what separates deployments.
 *
 * @example
 * const redis = createRedisConnection(process.env.REDIS_URL!);
 * const bus = new RedisIdentityChangeBus(redis);
 * const reader = new IdentityReader(repository, bus, { maxAgeMs: 60_000, maxEntries: 10_000, nowMs: Date.now });
 * await reader.start(); // subscribes
 * // shutdown: await bus.close(); then await closeRedisConnection(redis);
 */
export class RedisIdentityChangeBus implements IdentityChangeBus {
  private readonly channel: string;
  private readonly listeners: ListenerSet;
  private readonly onError: (error: unknown) => void;
  private subscriber: Redis | undefined;
  private subscribed: Promise<void> | undefined;
  private healthTimer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly publisher: Redis,
    private readonly options: RedisIdentityChangeBusOptions = {},
  ) {
    this.channel = `${options.prefix ?? 'titan:'}identity-changed`;
    this.onError = options.onError ?? warnOnError;
    this.listeners = new ListenerSet(this.onError);
  }

  async publish(identityId: string): Promise<void> {
    this.assertOpen();
    await storeCall('identity change publish', () => this.publisher.publish(this.channel, identityId));
  }

  /** Resolves once subscribed; rejects (StoreUnavailableError) if the first connection fails, but keeps retrying. */
  async subscribe(listener: IdentityChangeListener): Promise<void> {
    this.assertOpen();
    this.listeners.add(listener);
    this.subscribed ??= this.start();
    await this.subscribed;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.healthTimer);
    this.listeners.clear();
    const subscriber = this.subscriber;
    if (subscriber) {
      subscriber.removeAllListeners('ready');
      subscriber.removeAllListeners('message');
      await closeRedisConnection(subscriber);
    }
  }

  private start(): Promise<void> {
    const name = this.publisher.options.connectionName;
    const subscriber = this.publisher.duplicate({
      lazyConnect: true,
      // We resubscribe ourselves, so we know when the subscription is back and can send `null`.
      autoResubscribe: false,
      enableOfflineQueue: false,
      ...(name ? { connectionName: `${name}:identity-changes` } : {}),
    });
    this.subscriber = subscriber;
    subscriber.on('error', (error: Error) => this.onError(error));
    subscriber.on('message', (channel: string, message: string) => {
      if (channel === this.channel) this.listeners.deliver(message);
    });
    this.startHealthCheck(subscriber);

    return new Promise<void>((resolve, reject) => {
      let settled = false;
      const fail = (error: unknown) => {
        if (settled) return this.onError(error);
        settled = true;
        reject(new StoreUnavailableError('identity change subscribe', error));
      };
      subscriber.on('ready', () => {
        subscriber.subscribe(this.channel).then(
          () => {
            if (this.closed) return;
            if (!settled) {
              settled = true;
              resolve();
            } else {
              // Later callers of subscribe() must not see an old failure.
              this.subscribed = Promise.resolve();
              this.listeners.deliver(null);
            }
          },
          (error: unknown) => {
            fail(error);
            // Connected but not subscribed would lose messages silently: reconnect and try again.
            if (!this.closed) subscriber.disconnect(true);
          },
        );
      });
      subscriber.connect().catch(fail);
    });
  }

  private startHealthCheck(subscriber: Redis): void {
    const interval = this.options.healthCheckIntervalMs ?? 15_000;
    if (interval <= 0) return;
    const timeoutMs = this.options.healthCheckTimeoutMs ?? 2000;
    this.healthTimer = setInterval(() => {
      if (subscriber.status !== 'ready') return;
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('subscriber health check timed out')), timeoutMs);
      });
      Promise.race([subscriber.ping(), timeout])
        .catch((error: unknown) => {
          if (this.closed || subscriber.status !== 'ready') return;
          this.onError(error);
          subscriber.disconnect(true);
        })
        .finally(() => clearTimeout(timer));
    }, interval);
    this.healthTimer.unref();
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('identity change bus is closed');
  }
}

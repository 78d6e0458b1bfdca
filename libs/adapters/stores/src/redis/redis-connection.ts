import Redis, { type Cluster, type RedisOptions } from 'ioredis';

/** A connection the stores can run commands on: a single node (also via Sentinel) or a Cluster. */
export type RedisClient = Redis | Cluster;

export interface RedisConnectionOptions {
  /** Shown in `CLIENT LIST`, so operators can tell Titan's connections apart. */
  readonly connectionName?: string;
  /** Longest a command may wait (queued while reconnecting, or in flight) before it fails. Default 1000. */
  readonly commandTimeoutMs?: number;
  /** Longest a TCP/TLS connection attempt may take. Default 3000. */
  readonly connectTimeoutMs?: number;
  /** Reconnections a queued command survives before it fails. Default 1. */
  readonly maxRetriesPerRequest?: number;
  /** Longest pause between reconnection attempts; attempts never stop. Default 2000. */
  readonly maxReconnectDelayMs?: number;
  /** Connection errors (ioredis emits one per failed attempt); without it ioredis prints them to stderr. */
  readonly onError?: (error: Error) => void;
  /**
   * Merged last: TLS material (`tls: { ca }`), Sentinel (`sentinels`, `name`), `db`, `username`...
   * For a Cluster, build `new Cluster(nodes, { redisOptions: ... })` with the same settings instead.
   */
  readonly redisOptions?: RedisOptions;
}

const SCHEME = /^rediss?:\/\//i;

/**
 * Production settings for one Redis connection: a dead Redis fails commands within
 * `commandTimeoutMs` (callers answer 503 instead of hanging) and the connection comes back by
 * itself when Redis does. Accepts `redis://` and `rediss://` (TLS) URLs.
 *
 * Commands issued before the first connection completes wait in ioredis' offline queue, bounded
 * by the same timeout, so start-up needs no extra "wait until ready" step.
 *
 * @example
 * const redis = createRedisConnection(process.env.REDIS_URL!, { connectionName: 'titan-api' });
 * const challenges = new RedisChallengeStore(redis);
 * // at shutdown, after everything that uses it:
 * await closeRedisConnection(redis);
 */
export function createRedisConnection(url: string, options: RedisConnectionOptions = {}): Redis {
  // Never echo the URL: it may carry a password.
  if (!SCHEME.test(url)) throw new RangeError('a Redis URL must start with redis:// or rediss://');
  const maxDelay = options.maxReconnectDelayMs ?? 2000;
  const redis = new Redis(url, {
    connectionName: options.connectionName,
    commandTimeout: options.commandTimeoutMs ?? 1000,
    connectTimeout: options.connectTimeoutMs ?? 3000,
    maxRetriesPerRequest: options.maxRetriesPerRequest ?? 1,
    retryStrategy: (attempt) => Math.min(attempt * 100, maxDelay),
    // GETDEL and SET NX are not idempotent: resending one whose reply was lost would report a
    // spent challenge or a false replay. Failing it (503, the client retries) is the honest answer.
    autoResendUnfulfilledCommands: false,
    // After a failover the old primary answers READONLY: reconnect (DNS / Sentinel finds the new one).
    reconnectOnError: (error) => (error.message.startsWith('READONLY') ? 2 : false),
    keepAlive: 10_000,
    ...options.redisOptions,
  });
  coalesceWrites(redis);
  if (options.onError) redis.on('error', options.onError);
  return redis;
}

/**
 * Commands issued in the same event-loop turn leave in one `writev` instead of one write (one
 * syscall) each: under load most of the cost of a Redis command on our side is that write. The
 * socket is corked at the turn's first command and uncorked once the turn's I/O callbacks have run.
 * Unlike ioredis' auto-pipelining, each reply resolves its command as it arrives: a pipeline holds
 * every command and reply of its batch until the last reply, and only one runs at a time, which
 * kept each request's state alive long enough to be promoted to V8's old generation (ADR 0012).
 */
function coalesceWrites(redis: Redis): void {
  const send = redis.sendCommand;
  let corked: Redis['stream'] | null = null;
  const flush = (): void => {
    const stream = corked!;
    corked = null;
    stream.uncork();
  };
  redis.sendCommand = function sendCoalesced(this: Redis, command, stream) {
    // Only the connection's own socket, once ready: a pipeline or transaction passes its own stream.
    if (corked === null && stream === undefined && this.status === 'ready') {
      corked = this.stream;
      corked.cork();
      setImmediate(flush);
    }
    return send.call(this, command, stream);
  };
}

/**
 * Readiness probe: true when Redis answers PING within `timeoutMs`. Never throws.
 */
export async function pingRedis(redis: RedisClient, timeoutMs = 1000): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  try {
    return await Promise.race([redis.ping().then((reply) => reply === 'PONG', () => false), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Closes a connection politely (QUIT, so in-flight replies arrive) when Redis is reachable, and
 * drops it at once when it is not. Resolves in at most `timeoutMs`; stops reconnection either way.
 */
export async function closeRedisConnection(redis: RedisClient, timeoutMs = 1000): Promise<void> {
  if (redis.status === 'end') return;
  if (redis.status === 'ready') {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, timeoutMs);
    });
    try {
      await Promise.race([redis.quit().then(() => undefined, () => undefined), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
  redis.disconnect();
}

import type { OperationalMetrics } from '@titan/application';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { BoundedLabel } from './bounded-label';

/** Prefix of every Titan metric. */
export const METRIC_PREFIX = 'titan_';

/** `success`, an error code of the closed `DomainErrorCode` union, or `unavailable` / `internal_error` when thrown. */
export type Outcome = string;

/** A signing key as the key-age gauges see it. */
export interface SigningKeySample {
  readonly kid: string;
  readonly alg: string;
  readonly state: string;
  readonly createdAt: Date;
}

export interface TitanMetricsOptions {
  /** Node process metrics (CPU, memory, event loop lag, GC); default true. */
  readonly processMetrics?: boolean;
}

const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];
const TASK_BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1];
const KNOWN_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);
const KEY_STATES = ['next', 'active', 'retired', 'removed', 'revoked'] as const;
const KEY_READ_TIMEOUT_MS = 1000;
const MAX_CACHED_CHILDREN = 2048;
const KEY_READ_REUSE_MS = 1000;
/** Only keys still in the JWKS get an age series, so kids that left it do not linger. */
const PUBLISHED_STATES = new Set(['next', 'active', 'retired']);

/**
 * Every Titan metric, in a registry of its own (several servers may share a process in tests).
 * Updating a metric is a label lookup and an addition: cheap enough for every request. Label values
 * come from fixed sets or pass through {@link BoundedLabel}, so a client cannot grow the series count.
 */
export class TitanMetrics implements OperationalMetrics {
  readonly registry = new Registry();
  private readonly reasons = new BoundedLabel(64);
  private readonly routes = new BoundedLabel(128);
  private readonly limiters = new BoundedLabel(32);
  private readonly dependencies = new BoundedLabel(16);
  private readonly grantTypes = new BoundedLabel(16);

  private readonly handshakes: Counter<'step' | 'outcome' | 'reason'>;
  private readonly tokenRequests: Counter<'endpoint' | 'grant_type' | 'outcome' | 'reason'>;
  private readonly useCaseDuration: Histogram<'use_case' | 'result'>;
  private readonly httpDuration: Histogram<'method' | 'route' | 'status_class'>;
  private readonly laneTaskDuration: Histogram<'operation' | 'lane'>;
  private readonly dependencyErrors: Counter<'dependency' | 'source'>;
  private readonly rateLimitRejections: Counter<'limiter'>;
  private queueDepth: () => number = () => 0;
  private signingKeys: () => Promise<readonly SigningKeySample[]> = async () => [];
  private readonly children = new Map<object, Map<string, unknown>>();
  private lastKeys: readonly SigningKeySample[] = [];
  private keyRead: { readonly at: number; readonly keys: Promise<readonly SigningKeySample[]> } | undefined;

  constructor(options: TitanMetricsOptions = {}) {
    const registers = [this.registry];
    this.handshakes = new Counter({
      name: `${METRIC_PREFIX}handshakes_total`,
      help: 'Native handshake steps (challenge, proof) by outcome (success or error code) and internal reason',
      labelNames: ['step', 'outcome', 'reason'], registers,
    });
    this.tokenRequests = new Counter({
      name: `${METRIC_PREFIX}token_requests_total`,
      help: 'Requests for an access token (native proof or OAuth token endpoint) by grant type, outcome and internal reason',
      labelNames: ['endpoint', 'grant_type', 'outcome', 'reason'], registers,
    });
    this.useCaseDuration = new Histogram({
      name: `${METRIC_PREFIX}use_case_duration_seconds`,
      help: 'Time spent in each use case; result is success, failure (an expected error) or error (thrown)',
      labelNames: ['use_case', 'result'], buckets: LATENCY_BUCKETS, registers,
    });
    this.httpDuration = new Histogram({
      name: `${METRIC_PREFIX}http_request_duration_seconds`,
      help: 'HTTP request latency by method, route template and status class',
      labelNames: ['method', 'route', 'status_class'], buckets: LATENCY_BUCKETS, registers,
    });
    this.laneTaskDuration = new Histogram({
      name: `${METRIC_PREFIX}crypto_lane_task_duration_seconds`,
      help: 'Crypto-lane task time as the caller sees it (queue wait included), by operation',
      labelNames: ['operation', 'lane'], buckets: TASK_BUCKETS, registers,
    });
    const queueDepth: Gauge = new Gauge({
      name: `${METRIC_PREFIX}crypto_lane_queue_depth`,
      help: 'Crypto tasks waiting for a free worker thread (always 0 for the inline lane)',
      registers,
      collect: () => queueDepth.set(this.queueDepth()),
    });
    // Both key gauges come from one repository read per scrape (see readSigningKeys).
    const keyAge: Gauge<'kid' | 'alg' | 'state'> = new Gauge<'kid' | 'alg' | 'state'>({
      name: `${METRIC_PREFIX}signing_key_age_seconds`,
      help: 'Age of each published signing key (states next, active, retired)',
      labelNames: ['kid', 'alg', 'state'], registers,
      collect: async () => {
        const keys = await this.readSigningKeys();
        keyAge.reset();
        const now = Date.now();
        for (const key of keys) {
          if (PUBLISHED_STATES.has(key.state)) {
            keyAge.set({ kid: key.kid, alg: key.alg, state: key.state }, Math.max(0, (now - key.createdAt.getTime()) / 1000));
          }
        }
      },
    });
    const keyStates: Gauge<'state'> = new Gauge<'state'>({
      name: `${METRIC_PREFIX}signing_keys`,
      help: 'Signing keys by lifecycle state',
      labelNames: ['state'], registers,
      collect: async () => {
        const keys = await this.readSigningKeys();
        for (const state of KEY_STATES) keyStates.set({ state }, keys.filter((k) => k.state === state).length);
      },
    });
    this.dependencyErrors = new Counter({
      name: `${METRIC_PREFIX}dependency_errors_total`,
      help: 'Failed calls to a dependency (database, redis, ...) by source: request, connection or readiness',
      labelNames: ['dependency', 'source'], registers,
    });
    this.rateLimitRejections = new Counter({
      name: `${METRIC_PREFIX}rate_limit_rejections_total`,
      help: 'Requests refused with 429 by a rate limit, by limiter',
      labelNames: ['limiter'], registers,
    });
    if (options.processMetrics !== false) collectDefaultMetrics({ register: this.registry, prefix: METRIC_PREFIX });
  }

  /** Where the queue-depth gauge reads from (a Piscina lane's `queueDepth`). */
  setQueueDepthSource(read: () => number): void {
    this.queueDepth = read;
  }

  /** Where the signing-key gauges read from, once per scrape. */
  setSigningKeySource(read: () => Promise<readonly SigningKeySample[]>): void {
    this.signingKeys = read;
  }

  handshake(step: 'challenge' | 'proof', outcome: Outcome, reason: string): void {
    this.child(this.handshakes, `${step}|${outcome}|${reason}`, () => ({ step, outcome, reason: this.reasons.of(reason) })).inc();
  }

  tokenRequest(endpoint: 'native' | 'oauth', grantType: string, outcome: Outcome, reason: string): void {
    this.child(this.tokenRequests, `${endpoint}|${grantType}|${outcome}|${reason}`, () => ({
      endpoint, grant_type: this.grantTypes.of(grantType), outcome, reason: this.reasons.of(reason),
    })).inc();
  }

  useCase(name: string, result: 'success' | 'failure' | 'error', seconds: number): void {
    this.child(this.useCaseDuration, `${name}|${result}`, () => ({ use_case: name, result })).observe(seconds);
  }

  httpRequest(method: string, route: string | undefined, status: number, seconds: number): void {
    this.child(this.httpDuration, `${method}|${route}|${status}`, () => ({
      method: KNOWN_METHODS.has(method) ? method : 'OTHER',
      route: route === undefined ? 'unmatched' : this.routes.of(route),
      status_class: `${Math.trunc(status / 100)}xx`,
    })).observe(seconds);
  }

  cryptoTask(operation: 'verify' | 'sign', lane: string, seconds: number): void {
    this.child(this.laneTaskDuration, `${operation}|${lane}`, () => ({ operation, lane })).observe(seconds);
  }

  dependencyFailed(dependency: string, source: 'request' | 'connection' | 'readiness' = 'request'): void {
    this.dependencyErrors.inc({ dependency: this.dependencies.of(dependency), source });
  }

  rateLimitRejected(limiter: string): void {
    this.rateLimitRejections.inc({ limiter: this.limiters.of(limiter) });
  }

  /**
   * The labelled child of a metric, cached by a key of the raw inputs: prom-client hashes and
   * validates a label object on every call, which costs microseconds; a Map lookup does not. The
   * cache is as bounded as the label values (raw inputs beyond the bounds all map to `other`, but
   * each raw key is cached: hence the cap, past which children are looked up uncached).
   */
  private child<C>(metric: { labels(labels: Record<string, string>): C }, key: string, labels: () => Record<string, string>): C {
    let cache = this.children.get(metric);
    if (cache === undefined) this.children.set(metric, (cache = new Map()));
    let child = cache.get(key) as C | undefined;
    if (child === undefined) {
      child = metric.labels(labels());
      if (cache.size < MAX_CACHED_CHILDREN) cache.set(key, child);
    }
    return child;
  }

  /** The text exposition format. */
  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }

  /**
   * One read serves both key gauges of a scrape (reads less than a second apart share it). A scrape
   * must not fail because the database is down: the last known keys are shown instead.
   */
  private readSigningKeys(): Promise<readonly SigningKeySample[]> {
    const now = Date.now();
    if (this.keyRead === undefined || now - this.keyRead.at > KEY_READ_REUSE_MS) this.keyRead = { at: now, keys: this.fetchSigningKeys() };
    return this.keyRead.keys;
  }

  private async fetchSigningKeys(): Promise<readonly SigningKeySample[]> {
    let timer: NodeJS.Timeout | undefined;
    try {
      this.lastKeys = await Promise.race([
        this.signingKeys(),
        new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('timed out')), KEY_READ_TIMEOUT_MS))),
      ]);
    } catch {
      this.dependencyFailed('database', 'request');
    } finally {
      clearTimeout(timer);
    }
    return this.lastKeys;
  }
}

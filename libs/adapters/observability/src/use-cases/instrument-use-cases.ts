import { SpanStatusCode, trace, type Span, type Tracer } from '@opentelemetry/api';
import { ChallengeUseCase, DependencyUnavailableError, MintTokenUseCase, OAuthTokenUseCase } from '@titan/application';
import type { TitanMetrics } from '../metrics/titan-metrics';

/** Anything with the use-case shape: a plain class with `execute(input, ...)`. */
export interface UseCase {
  execute(...args: never[]): Promise<unknown>;
}

/** How one execution ended, with label-safe values. */
export interface UseCaseOutcome {
  /** `success`, the domain error code, `unavailable` (a dependency threw) or `internal_error`. */
  readonly outcome: string;
  /** The internal reason (audit reason, dependency name), reduced to a leading identifier. */
  readonly reason: string;
}

export interface UseCaseTelemetry {
  readonly metrics: TitanMetrics;
  /** Defaults to the global tracer: a no-op until the OpenTelemetry SDK is started. */
  readonly tracer?: Tracer;
}

const TRACER_NAME = 'titan';
const KNOWN_GRANT_TYPES = new Set([
  'client_credentials', 'refresh_token', 'authorization_code', 'urn:ietf:params:oauth:grant-type:jwt-bearer',
  'urn:ietf:params:oauth:grant-type:token-exchange', 'password', 'implicit',
]);

/**
 * Wraps every use case of a record (`{ mintToken: new MintTokenUseCase(...), ... }`) so that each
 * `execute` runs in a span named `usecase MintToken`, feeds the per-use-case latency histogram, and
 * for the handshake and token use cases the outcome counters. The use cases themselves stay free of
 * any telemetry import; the wrapper is a Proxy, so `instanceof` and every other member still work.
 *
 * @example
 * const useCases = instrumentUseCases(composed.useCases, { metrics });
 */
export function instrumentUseCases<T extends object>(useCases: T, telemetry: UseCaseTelemetry): T {
  const wrapped: Record<string, unknown> = {};
  for (const [key, useCase] of Object.entries(useCases)) {
    wrapped[key] = isUseCase(useCase) ? instrumentUseCase(useCase, pascalCase(key), telemetry) : useCase;
  }
  return wrapped as T;
}

/** One use case; `name` appears in the span name and the `use_case` label. */
export function instrumentUseCase<U extends UseCase>(useCase: U, name: string, telemetry: UseCaseTelemetry): U {
  const { metrics } = telemetry;
  const tracer = telemetry.tracer ?? trace.getTracer(TRACER_NAME);
  const spanName = `usecase ${name}`;
  const count = counterFor(useCase, metrics);
  const original = useCase.execute;

  const execute = (...args: never[]): Promise<unknown> =>
    tracer.startActiveSpan(spanName, { attributes: { 'titan.use_case': name } }, async (span: Span) => {
      const started = performance.now();
      let ended: UseCaseOutcome;
      try {
        const result = await original.apply(useCase, args);
        ended = outcomeOf(result);
        metrics.useCase(name, ended.outcome === 'success' ? 'success' : 'failure', (performance.now() - started) / 1000);
        return result;
      } catch (error) {
        const dependency = error instanceof DependencyUnavailableError ? error.dependency : undefined;
        if (dependency !== undefined) metrics.dependencyFailed(dependency, 'request');
        ended = dependency === undefined ? { outcome: 'internal_error', reason: 'exception' } : { outcome: 'unavailable', reason: identifier(dependency) };
        metrics.useCase(name, 'error', (performance.now() - started) / 1000);
        span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.name : 'thrown' });
        throw error;
      } finally {
        span.setAttribute('titan.outcome', ended!.outcome);
        if (ended!.reason !== 'none') span.setAttribute('titan.reason', ended!.reason);
        count?.(ended!, args[0]);
        span.end();
      }
    });

  return new Proxy(useCase, {
    get(target, property) {
      if (property === 'execute') return execute;
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

type Count = (outcome: UseCaseOutcome, input: unknown) => void;

function counterFor(useCase: UseCase, metrics: TitanMetrics): Count | undefined {
  if (useCase instanceof ChallengeUseCase) {
    return ({ outcome, reason }) => metrics.handshake('challenge', outcome, reason);
  }
  if (useCase instanceof MintTokenUseCase) {
    return ({ outcome, reason }) => {
      metrics.handshake('proof', outcome, reason);
      metrics.tokenRequest('native', 'titan_proof', outcome, reason);
    };
  }
  if (useCase instanceof OAuthTokenUseCase) {
    return ({ outcome, reason }, input) => metrics.tokenRequest('oauth', grantTypeOf(input), outcome, reason);
  }
  return undefined;
}

/** Reads a `Result` without trusting its shape: anything that is not a failed Result is a success. */
export function outcomeOf(result: unknown): UseCaseOutcome {
  if (typeof result !== 'object' || result === null || (result as { ok?: unknown }).ok !== false) return { outcome: 'success', reason: 'none' };
  const error = (result as { error?: { code?: unknown; reason?: unknown } }).error;
  const code = typeof error?.code === 'string' ? identifier(error.code) : 'failure';
  const reason = typeof error?.reason === 'string' ? identifier(error.reason) : code;
  return { outcome: code, reason };
}

/** `grant_no_longer_allowed: invalid_scope` -> `grant_no_longer_allowed`; anything odd -> `unspecified`. */
function identifier(text: string): string {
  const match = /^[a-z][a-z0-9_]{0,63}/i.exec(text);
  return match ? match[0].toLowerCase() : 'unspecified';
}

function grantTypeOf(input: unknown): string {
  const grantType = (input as { grantType?: unknown } | undefined)?.grantType;
  if (grantType === undefined) return 'none';
  return typeof grantType === 'string' && KNOWN_GRANT_TYPES.has(grantType) ? grantType : 'other';
}

function isUseCase(value: unknown): value is UseCase {
  return typeof value === 'object' && value !== null && typeof (value as { execute?: unknown }).execute === 'function';
}

const pascalCase = (key: string): string => key.charAt(0).toUpperCase() + key.slice(1);

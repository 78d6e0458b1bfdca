import { trace } from '@opentelemetry/api';
import type { TracingSdkOptions } from './tracing';

/** A started OpenTelemetry SDK. */
export interface Tracing {
  /** Flushes pending spans and stops exporting. */
  shutdown(): Promise<void>;
}

type Env = Readonly<Record<string, string | undefined>>;

/**
 * Tracing is on when an OTLP endpoint or a trace exporter is configured (the standard OTEL_*
 * variables), unless `OTEL_SDK_DISABLED=true` or `OTEL_TRACES_EXPORTER=none`.
 */
export function tracingRequested(env: Env): boolean {
  if ((env['OTEL_SDK_DISABLED'] ?? '').trim().toLowerCase() === 'true') return false;
  const exporters = (env['OTEL_TRACES_EXPORTER'] ?? '').split(',').map((e) => e.trim()).filter(Boolean);
  if (exporters.includes('none')) return false;
  return exporters.length > 0 || Boolean(env['OTEL_EXPORTER_OTLP_ENDPOINT'] || env['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT']);
}

/**
 * Starts the OpenTelemetry SDK when the environment asks for it, and must run before anything
 * loads `http`, `pg` or `ioredis` (main.ts loads the server only afterwards). Otherwise the SDK is
 * not even loaded: `./tracing` is imported on demand. Passing `spanProcessors` (tests) forces it on.
 */
export async function startTracing(env: Env = process.env, options: TracingSdkOptions = {}): Promise<Tracing | undefined> {
  if (options.spanProcessors === undefined && !tracingRequested(env)) return undefined;
  const { startTracingSdk } = await import('./tracing.js');
  return startTracingSdk(env, options);
}

/** pino mixin: the ids of the active span, so a log line leads to its trace. */
export function traceLogFields(): Record<string, string> {
  const span = trace.getActiveSpan();
  if (span === undefined) return {};
  const { traceId, spanId, traceFlags } = span.spanContext();
  return { trace_id: traceId, span_id: spanId, trace_flags: `0${traceFlags.toString(16)}`.slice(-2) };
}

import type { IncomingMessage } from 'node:http';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { IORedisInstrumentation } from '@opentelemetry/instrumentation-ioredis';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { NodeSDK } from '@opentelemetry/sdk-node';
import type { SpanProcessor } from '@opentelemetry/sdk-trace';
import type { Tracing } from './instrumentation';

export interface TracingSdkOptions {
  /** Replaces the exporters chosen by OTEL_TRACES_EXPORTER (tests use an in-memory exporter). */
  readonly spanProcessors?: SpanProcessor[];
}

/** Probes and scrapes would drown the real traffic. */
const UNTRACED_PATHS = new Set(['/health/live', '/health/ready', '/metrics']);

/**
 * The OpenTelemetry SDK: HTTP, pg and ioredis instrumentation, exporters from the standard OTEL_*
 * variables. Loaded only through `startTracing` (instrumentation.ts). Spans carry no secrets: SQL
 * parameters are not recorded (pg's enhanced reporting stays off) and Redis spans name the command
 * only, never its keys or values (a key holds a challenge id).
 */
export function startTracingSdk(env: Readonly<Record<string, string | undefined>>, options: TracingSdkOptions): Tracing {
  const sdk = new NodeSDK({
    ...(env['OTEL_SERVICE_NAME'] ? {} : { serviceName: 'titan' }),
    instrumentations: [
      new HttpInstrumentation({
        ignoreIncomingRequestHook: (request: IncomingMessage) => UNTRACED_PATHS.has((request.url ?? '').split('?')[0]!),
      }),
      new PgInstrumentation({ enhancedDatabaseReporting: false }),
      new IORedisInstrumentation({ dbStatementSerializer: (command: string) => command }),
    ],
    // Metrics go through Prometheus (/metrics) and logs through pino: the SDK only does traces.
    metricReaders: [],
    logRecordProcessors: [],
    ...(options.spanProcessors ? { spanProcessors: options.spanProcessors } : {}),
  });
  sdk.start();
  return { shutdown: () => sdk.shutdown() };
}

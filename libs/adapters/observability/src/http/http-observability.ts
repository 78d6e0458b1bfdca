import { trace } from '@opentelemetry/api';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import type { TitanMetrics } from '../metrics/titan-metrics';

export interface HttpObservabilityOptions {
  readonly metrics: TitanMetrics;
  readonly logger: Logger;
}

/** Probes and scrapes are logged at debug level: a load balancer polls them every second. */
const QUIET_ROUTES = new Set(['/health/live', '/health/ready', '/metrics']);
const MAX_USER_AGENT = 200;
const MAX_PATH = 256;

/**
 * Per request: one access-log line (method, route template, path without query, status, duration,
 * request id, client IP, user agent; never a body, never another header), the latency histogram,
 * and, when tracing is on, the HTTP server span renamed after its route template.
 */
export function installHttpObservability(fastify: FastifyInstance, options: HttpObservabilityOptions): void {
  const { metrics, logger } = options;

  fastify.addHook('onRequest', (request, _reply, done) => {
    const span = trace.getActiveSpan();
    if (span?.isRecording()) {
      const route = routeOf(request);
      if (route !== undefined) {
        span.setAttribute('http.route', route);
        span.updateName(`${request.method} ${route}`);
      }
    }
    done();
  });

  fastify.addHook('onResponse', (request, reply, done) => {
    const route = routeOf(request);
    const seconds = reply.elapsedTime / 1000;
    metrics.httpRequest(request.method, route, reply.statusCode, seconds);
    const quiet = route !== undefined && QUIET_ROUTES.has(route) && reply.statusCode < 500;
    if (quiet ? logger.isLevelEnabled('debug') : logger.isLevelEnabled('info')) {
      const line = accessLogLine(request, reply, route);
      if (quiet) logger.debug(line, 'request completed');
      else logger.info(line, 'request completed');
    }
    done();
  });
}

function accessLogLine(request: FastifyRequest, reply: FastifyReply, route: string | undefined): Record<string, unknown> {
  const userAgent = request.headers['user-agent'];
  const query = request.url.indexOf('?');
  return {
    reqId: request.id,
    method: request.method,
    route: route ?? null,
    // The query string is dropped: it is the one place a careless client puts a credential.
    path: (query === -1 ? request.url : request.url.slice(0, query)).slice(0, MAX_PATH),
    status: reply.statusCode,
    durationMs: Math.round(reply.elapsedTime * 100) / 100,
    clientIp: request.ip,
    userAgent: typeof userAgent === 'string' ? userAgent.slice(0, MAX_USER_AGENT) : undefined,
  };
}

/** The route template (`/v1/identities/:id`), or undefined when no route matched. */
function routeOf(request: FastifyRequest): string | undefined {
  const url = request.routeOptions?.url;
  return url === undefined || url === '*' || url === '/*' ? undefined : url;
}

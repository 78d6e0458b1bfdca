import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import type { TitanMetrics } from '../metrics/titan-metrics';

export const METRICS_PATH = '/metrics';

export interface MetricsEndpointOptions {
  readonly metrics: TitanMetrics;
  /** Bearer token scrapers must present; undefined serves the metrics to anyone who can connect. */
  readonly token: string | undefined;
}

type Answer = { status: number; headers: Record<string, string>; body: string };

/**
 * `GET /metrics` on the main listener, behind `Authorization: Bearer <TITAN_METRICS_TOKEN>`. A
 * plain Fastify route, so it is not in the OpenAPI document. Call only with a token.
 */
export function installMetricsRoute(fastify: FastifyInstance, options: MetricsEndpointOptions & { readonly token: string }): void {
  fastify.get(METRICS_PATH, async (request, reply) => {
    const answer = await scrape(options, request.headers.authorization);
    return reply.status(answer.status).headers(answer.headers).send(answer.body);
  });
}

export interface MetricsListener {
  readonly url: string;
  close(): Promise<void>;
}

/**
 * A listener of its own that serves only `GET /metrics` (bound to loopback by default), for
 * deployments that keep metrics off the public port instead of, or as well as, using a token.
 */
export async function startMetricsListener(options: MetricsEndpointOptions & { readonly host: string; readonly port: number }): Promise<MetricsListener> {
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const path = (request.url ?? '').split('?')[0];
    const done = (answer: Answer): void => {
      response.writeHead(answer.status, { 'x-content-type-options': 'nosniff', ...answer.headers }).end(answer.body);
    };
    if (path !== METRICS_PATH) return done(errorAnswer(404, 'not_found', 'no such resource'));
    if (request.method !== 'GET' && request.method !== 'HEAD') return done(errorAnswer(405, 'method_not_allowed', 'use GET'));
    scrape(options, request.headers.authorization).then(done, () => done(errorAnswer(500, 'internal_error', 'an internal error occurred')));
  });
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  return {
    url: `http://${options.host.includes(':') ? `[${options.host}]` : options.host}:${port}${METRICS_PATH}`,
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}

async function scrape(options: MetricsEndpointOptions, authorization: string | undefined): Promise<Answer> {
  if (options.token !== undefined && !presents(authorization, options.token)) {
    const answer = errorAnswer(401, 'invalid_token', 'a valid metrics bearer token is required');
    return { ...answer, headers: { ...answer.headers, 'www-authenticate': authorization ? 'Bearer error="invalid_token"' : 'Bearer' } };
  }
  const { contentType, body } = await options.metrics.render();
  return { status: 200, headers: { 'content-type': contentType, 'cache-control': 'no-store' }, body };
}

/** Constant time: both sides are hashed to 32 bytes first, so neither length nor content leaks. */
function presents(authorization: string | undefined, token: string): boolean {
  const match = /^Bearer (\S+)$/.exec(authorization ?? '');
  const offered = createHash('sha256').update(match?.[1] ?? '').digest();
  const expected = createHash('sha256').update(token).digest();
  return timingSafeEqual(offered, expected) && match !== null;
}

function errorAnswer(status: number, error: string, description: string): Answer {
  return { status, headers: { 'content-type': 'application/json; charset=utf-8' }, body: JSON.stringify({ error, error_description: description }) };
}

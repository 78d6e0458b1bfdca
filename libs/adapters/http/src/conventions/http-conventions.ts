import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyServerOptions } from 'fastify';

/** Bodies over 64 KiB are refused with 413 (PRODUCT.md section 2a). */
export const BODY_LIMIT_BYTES = 64 * 1024;

const CALLER_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Fastify options every Titan server uses: a body limit, and request ids that accept a well-formed
 * `X-Request-Id` from the caller (so traces line up across services) or make a fresh one.
 */
export const fastifyServerOptions = (): FastifyServerOptions => ({
  bodyLimit: BODY_LIMIT_BYTES,
  trustProxy: false,
  requestIdHeader: false,
  genReqId: (request) => {
    const offered = request.headers['x-request-id'];
    return typeof offered === 'string' && CALLER_REQUEST_ID.test(offered) ? offered : randomUUID();
  },
});

/** Headers on every response, errors and 404s included. */
export function installResponseHeaders(fastify: FastifyInstance): void {
  fastify.addHook('onSend', async (request, reply, payload) => {
    void reply.header('X-Content-Type-Options', 'nosniff');
    void reply.header('X-Request-Id', String(request.id));
    return payload;
  });
}

import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyServerOptions } from 'fastify';

/** Bodies over 64 KiB are refused with 413 (PRODUCT.md section 2a). */
export const BODY_LIMIT_BYTES = 64 * 1024;

const CALLER_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export interface HttpServerSettings {
  /**
   * Proxies whose `X-Forwarded-For` is believed (`TITAN_TRUSTED_PROXIES`: IPs, CIDRs, or
   * `loopback` / `linklocal` / `uniquelocal`): when the socket peer is one of them, `request.ip` is the rightmost
   * `X-Forwarded-For` hop that is not (proxy-addr). Empty: `request.ip` is the socket peer.
   */
  readonly trustedProxies?: readonly string[];
}

/**
 * Fastify options every Titan server uses: a body limit, request ids that accept a well-formed
 * `X-Request-Id` from the caller (so traces line up across services) or make a fresh one, and the
 * trusted proxies that decide the client address (rate limits, lockout, audit, access log).
 */
export const fastifyServerOptions = (settings: HttpServerSettings = {}): FastifyServerOptions => ({
  bodyLimit: BODY_LIMIT_BYTES,
  trustProxy: settings.trustedProxies && settings.trustedProxies.length > 0 ? [...settings.trustedProxies] : false,
  requestIdHeader: false,
  genReqId: (request) => {
    const offered = request.headers['x-request-id'];
    return typeof offered === 'string' && CALLER_REQUEST_ID.test(offered) ? offered : randomUUID();
  },
});

/** Headers on every response, errors and 404s included. */
export function installResponseHeaders(fastify: FastifyInstance): void {
  // Synchronous (callback) hook: no promise per response.
  fastify.addHook('onSend', (request, reply, payload, done) => {
    void reply.header('X-Content-Type-Options', 'nosniff');
    void reply.header('X-Request-Id', String(request.id));
    done(null, payload);
  });
}

import { Inject, Injectable, Optional, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { AbuseControl, type AddressLimit } from '@titan/application';
import type { FastifyRequest } from 'fastify';
import { rateLimitedApiError } from '../errors/domain-error.mapper';
import { NO_STORE_HEADERS } from '../oauth/oauth-error.mapper';

/**
 * Which per-address limit a route template falls under here; undefined: not limited by this guard.
 * The handshake routes are not: their use cases charge the address together with their other checks
 * and challenge operation in one store round trip (`AbuseControl.admitChallenge` / `admitProof`).
 */
export function addressLimitOf(method: string, route: string | undefined): AddressLimit | undefined {
  if (route === undefined) return undefined;
  if (method === 'POST' && route === '/oauth2/token') return 'oauth_token';
  if (method === 'POST' && route === '/oauth2/introspect') return 'introspect';
  if (method === 'POST' && route === '/oauth2/revoke') return 'revoke';
  if (/^\/v1\/(identities|admin|audit)(\/|$)/.test(route)) return 'admin';
  return undefined;
}

const OAUTH_LIMITS: ReadonlySet<AddressLimit> = new Set(['oauth_token', 'introspect']);

/**
 * Per-client-address limits (PRODUCT.md section 4), applied before anything else runs: both OAuth
 * endpoints that take credentials, revocation, and every admin route (`/v1/identities*`,
 * `/v1/admin/*`, `/v1/audit*`). The address is `request.ip`: the socket peer, or with
 * `TITAN_TRUSTED_PROXIES` the rightmost untrusted `X-Forwarded-For` hop. Refusals are `429
 * rate_limited` with `Retry-After`; on the OAuth endpoints also `Cache-Control: no-store` (RFC 6749
 * section 5.2 shape). A store failure is thrown: 503, never an open door.
 */
@Injectable()
export class RateLimitGuard implements CanActivate {
  constructor(@Optional() @Inject(AbuseControl) private readonly abuse?: AbuseControl) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (!this.abuse) return true;
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const group = addressLimitOf(request.method, request.routeOptions?.url);
    if (group === undefined) return true;
    const refused = await this.abuse.chargeAddress(group, request.ip, { requestId: String(request.id), clientIp: request.ip });
    if (refused) throw rateLimitedApiError(refused, OAUTH_LIMITS.has(group) ? NO_STORE_HEADERS : {});
    return true;
  }
}

import { Inject, Injectable, Optional, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { ADMIN_SCOPE } from '@titan/domain';
import { AbuseControl, AuthorizeBearerUseCase, type Principal } from '@titan/application';
import type { FastifyRequest } from 'fastify';
import { rateLimitedApiError } from '../errors/domain-error.mapper';
import { toResourceError } from '../oauth/oauth-error.mapper';
import { requiredAccessToken } from '../oauth/oauth-request';

export type AuthenticatedRequest = FastifyRequest & { principal?: Principal };

/**
 * Titan's admin endpoints: a Titan access token for the issuer, with scope `titan:admin`, as
 * `Authorization: Bearer`, or `Authorization: DPoP` plus a `DPoP` proof when the token is
 * DPoP-bound (a bound token presented as Bearer, or with another key's proof, is refused).
 */
@Injectable()
export class AdminGuard implements CanActivate {
  constructor(
    private readonly authorize: AuthorizeBearerUseCase,
    /** The per-admin-identity limit, charged once the caller is known. */
    @Optional() @Inject(AbuseControl) private readonly abuse?: AbuseControl,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const token = requiredAccessToken(request);
    const principal = await this.authorize.execute(token.value, ADMIN_SCOPE, token.presentation);
    if (!principal.ok) throw toResourceError(principal.error);
    request.principal = principal.value;
    const limited = await this.abuse?.chargeIdentity('admin', principal.value.identityId, { requestId: String(request.id), clientIp: request.ip });
    if (limited) throw rateLimitedApiError(limited);
    return true;
  }
}

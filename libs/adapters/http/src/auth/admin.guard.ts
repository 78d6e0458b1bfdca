import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { ADMIN_SCOPE } from '@titan/domain';
import { AuthorizeBearerUseCase, type Principal } from '@titan/application';
import type { FastifyRequest } from 'fastify';
import { ApiError } from '../errors/api-error';
import { unwrap } from '../errors/domain-error.mapper';

export type AuthenticatedRequest = FastifyRequest & { principal?: Principal };

const BEARER = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/;

/** Titan's admin endpoints: a Titan access token for the issuer, with scope `titan:admin`. */
@Injectable()
export class AdminGuard implements CanActivate {
  constructor(private readonly authorize: AuthorizeBearerUseCase) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const header = request.headers.authorization;
    if (!header) throw new ApiError('invalid_token', 'a bearer token is required', { 'WWW-Authenticate': 'Bearer' });
    const match = BEARER.exec(header);
    if (!match) {
      throw new ApiError('invalid_token', 'the access token is not valid', { 'WWW-Authenticate': 'Bearer error="invalid_token"' });
    }
    request.principal = unwrap(await this.authorize.execute(match[1]!, ADMIN_SCOPE));
    return true;
  }
}

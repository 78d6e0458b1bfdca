import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { VerifiedToken } from '../titan-verifier';
import type { TitanAuthenticatedRequest } from './titan-auth.guard';

/**
 * The principal `TitanAuthGuard` verified for this request.
 *
 * @example
 * @Get() list(@TitanPrincipal() who: VerifiedToken) { return who.subject; }
 */
export const TitanPrincipal = createParamDecorator(
  (_data: unknown, context: ExecutionContext): VerifiedToken | undefined =>
    context.switchToHttp().getRequest<TitanAuthenticatedRequest>().titan,
);

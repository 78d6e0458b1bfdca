import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { NO_STORE_HEADERS } from './oauth-error.mapper';

/**
 * Marks every answer of an OAuth endpoint `Cache-Control: no-store` / `Pragma: no-cache` before
 * validation runs, so errors from pipes and the handler carry the headers as well as successes.
 */
@Injectable()
export class NoStoreGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    for (const [name, value] of Object.entries(NO_STORE_HEADERS)) void reply.header(name, value);
    return true;
  }
}

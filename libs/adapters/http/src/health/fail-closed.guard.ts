import { Injectable, SetMetadata, UseGuards, applyDecorators, type CanActivate } from '@nestjs/common';
import { ApiError } from '../errors/api-error';
import { DependencyMonitor } from './dependency-monitor';

/**
 * Refuses with 503 while a dependency is down (PRODUCT.md section 9: fail closed). Put it on every
 * endpoint that mints tokens.
 */
@Injectable()
export class FailClosedGuard implements CanActivate {
  constructor(private readonly monitor: DependencyMonitor) {}

  canActivate(): boolean {
    const down = this.monitor.unavailable();
    if (down) throw new ApiError('unavailable', `${down} is unavailable; no token can be issued now`, { 'Retry-After': '1' });
    return true;
  }
}

export const FailClosed = (): MethodDecorator & ClassDecorator =>
  applyDecorators(SetMetadata('titan:fail-closed', true), UseGuards(FailClosedGuard));

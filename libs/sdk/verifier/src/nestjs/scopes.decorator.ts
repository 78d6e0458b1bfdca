import { SetMetadata } from '@nestjs/common';

/** Metadata key under which `@Scopes()` stores the scopes a route needs. */
export const TITAN_SCOPES = 'titan:scopes';

/**
 * Requires every listed scope. Scopes on the controller class and on the handler add up, so a
 * handler can narrow a controller's requirement but never loosen it.
 *
 * @example
 * @Scopes('billing:read')
 * @Get('invoices') list() {}
 */
export const Scopes = (...scopes: string[]): ClassDecorator & MethodDecorator => SetMetadata(TITAN_SCOPES, scopes);

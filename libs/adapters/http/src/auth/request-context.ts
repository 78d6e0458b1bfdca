import type { RequestContext } from '@titan/application';
import type { AuthenticatedRequest } from './admin.guard';

/** Who is asking and from where, for the audit log. */
export const requestContext = (request: AuthenticatedRequest): RequestContext => ({
  actor: request.principal?.identityId ?? null,
  requestId: String(request.id),
  clientIp: request.ip,
});

import { Controller, Get, Query, Req, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { AuthorizeBearerUseCase, type TokenPresentation } from '@titan/application';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from '../errors/api-error';
import { ApiErrors, ErrorBody } from '../openapi/error-responses';
import { NoStoreGuard } from '../oauth/no-store.guard';
import { toResourceError } from '../oauth/oauth-error.mapper';
import { requiredAccessToken } from '../oauth/oauth-request';
import { ForwardAuthQueryDto } from './forward-auth.dto';

/**
 * `GET /v1/authz/forward` (PRODUCT.md section 8): the gateway's question "may this request pass?",
 * for nginx `auth_request`, Traefik `forwardAuth` and Envoy `ext_authz` (HTTP). The token is checked
 * like on Titan's own endpoints (signature, `typ`, `iss`, times, the denylist, the identity's status,
 * DPoP binding), for the audience and scopes the gateway's route names in the query. `200` carries
 * who the caller is in `X-Titan-*` headers for the gateway to pass on; `401` and `403` carry RFC 6750
 * `WWW-Authenticate` challenges for the gateway to return.
 */
@ApiTags('authz')
@UseGuards(NoStoreGuard)
@Controller('v1/authz')
export class ForwardAuthController {
  constructor(private readonly authorize: AuthorizeBearerUseCase) {}

  @Get('forward')
  @ApiOperation({
    summary: 'Gateway forward-auth: checks the request\'s access token (Bearer, or DPoP with its proof) for the route\'s audience and scopes',
    description:
      'Called by a gateway for each request it protects, with the request\'s Authorization (Bearer or DPoP, any audience unless the query names one) and DPoP headers. For a DPoP-bound token ' +
      'the proof is checked against the forwarded request: method from X-Forwarded-Method or X-Original-Method, URL from ' +
      'X-Original-URL or X-Forwarded-Proto + X-Forwarded-Host + X-Forwarded-Uri. Not limited per address: the caller is the gateway.',
  })
  @ApiBearerAuth()
  @ApiHeader({ name: 'DPoP', required: false, description: 'the client\'s DPoP proof, for a DPoP-bound token' })
  @ApiOkResponse({
    description: 'The request may pass; no body. The X-Titan-* headers are for the gateway to pass on to the protected service',
    headers: {
      'X-Titan-Subject': { description: 'the caller\'s identity id (the token\'s sub)', schema: { type: 'string' } },
      'X-Titan-Scopes': { description: 'the token\'s scopes, space-separated', schema: { type: 'string' } },
      'X-Titan-Client-Id': { description: 'the token\'s client_id', schema: { type: 'string' } },
    },
  })
  @ApiResponse({ status: 400, type: ErrorBody, description: 'invalid_request: a malformed query' })
  @ApiResponse({ status: 401, type: ErrorBody, description: 'invalid_token: no token, or a token that is not valid for this audience, revoked, or bound to a key without a matching proof' })
  @ApiResponse({ status: 403, type: ErrorBody, description: 'insufficient_scope: the token lacks a scope the route requires' })
  @ApiErrors(503)
  async forward(@Query() query: ForwardAuthQueryDto, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<void> {
    const token = requiredAccessToken(request);
    const presentation: TokenPresentation = { ...token.presentation, ...forwardedRequest(request) };
    const principal = await this.authorize.execute(token.value, null, presentation, query.audience ?? null);
    if (!principal.ok) throw toResourceError(principal.error);

    const missing = (query.scope?.split(' ') ?? []).filter((scope) => !principal.value.scopes.includes(scope));
    if (missing.length > 0) {
      throw new ApiError('insufficient_scope', `the token lacks scope ${missing.join(' ')}`, {
        'WWW-Authenticate': `Bearer error="insufficient_scope", scope="${query.scope}"`,
      });
    }
    void reply
      .header('X-Titan-Subject', principal.value.identityId)
      .header('X-Titan-Scopes', principal.value.claims.scope)
      .header('X-Titan-Client-Id', principal.value.claims.client_id);
  }
}

/**
 * The method and absolute URL of the request the gateway is asking about, which a DPoP proof signs
 * (`htm`, `htu`). ingress-nginx sends `X-Original-Method` and `X-Original-URL`; Traefik sends
 * `X-Forwarded-Method`, `-Proto`, `-Host` and `-Uri`. Without them a DPoP proof cannot match, and a
 * DPoP-bound token is refused.
 */
function forwardedRequest(request: FastifyRequest): Pick<TokenPresentation, 'method'> & { url?: string } {
  const header = (name: string): string | undefined => {
    const value = request.headers[name];
    return typeof value === 'string' && value !== '' ? value : undefined;
  };
  const method = header('x-original-method') ?? header('x-forwarded-method') ?? 'GET';
  const original = header('x-original-url');
  const [proto, host, uri] = [header('x-forwarded-proto'), header('x-forwarded-host'), header('x-forwarded-uri')];
  const url = original ?? (proto && host && uri ? `${proto}://${host}${uri}` : undefined);
  return url === undefined ? { method: method.toUpperCase() } : { method: method.toUpperCase(), url };
}

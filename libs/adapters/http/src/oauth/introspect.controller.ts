import { Body, Controller, HttpCode, Post, Req, UseGuards } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { IntrospectTokenUseCase, type IntrospectionResponse } from '@titan/application';
import type { FastifyRequest } from 'fastify';
import { FormBody } from '../conventions/media-type.guard';
import { ApiErrors, ErrorBody } from '../openapi/error-responses';
import { NoStoreGuard } from './no-store.guard';
import { toOAuthError, toResourceError } from './oauth-error.mapper';
import { callerCredentials, oauthForm } from './oauth-request';
import { IntrospectionResponseDto, TokenActionRequestDto } from './oauth.dto';

/** `POST /oauth2/introspect` (RFC 7662). */
@ApiTags('oauth')
@FormBody()
@UseGuards(NoStoreGuard)
@Controller('oauth2')
export class IntrospectController {
  constructor(private readonly introspectToken: IntrospectTokenUseCase) {}

  @Post('introspect')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Introspect any Titan access token. Caller: client authentication as at the token endpoint, or a bearer token with titan:introspect',
  })
  @ApiConsumes('application/x-www-form-urlencoded')
  @ApiBody({ type: TokenActionRequestDto })
  @ApiOkResponse({ type: IntrospectionResponseDto, description: 'Exactly {"active":false} for any token that is not currently valid' })
  @ApiResponse({ status: 400, type: ErrorBody, description: 'invalid_request' })
  @ApiResponse({ status: 401, type: ErrorBody, description: 'invalid_client (client authentication) or invalid_token (bearer caller)' })
  @ApiResponse({ status: 403, type: ErrorBody, description: 'insufficient_scope: the bearer token lacks titan:introspect' })
  @ApiErrors(413, 415, 429, 503)
  async introspect(@Body(oauthForm(TokenActionRequestDto)) body: object, @Req() request: FastifyRequest): Promise<IntrospectionResponse> {
    const form = body as TokenActionRequestDto;
    const credentials = callerCredentials(request, form);
    const result = await this.introspectToken.execute(credentials, form.token, { requestId: String(request.id), clientIp: request.ip });
    if (result.ok) return result.value;
    throw credentials.token ? toResourceError(result.error) : toOAuthError(result.error, undefined);
  }
}

import { Body, Controller, HttpCode, Post, Req, UseGuards } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { RevokeTokenUseCase } from '@titan/application';
import type { FastifyRequest } from 'fastify';
import { FormBody } from '../conventions/media-type.guard';
import { ApiErrors, ErrorBody } from '../openapi/error-responses';
import { NoStoreGuard } from './no-store.guard';
import { toOAuthError, toResourceError } from './oauth-error.mapper';
import { callerCredentials, oauthForm } from './oauth-request';
import { TokenActionRequestDto } from './oauth.dto';

/** `POST /oauth2/revoke` (RFC 7009). */
@ApiTags('oauth')
@FormBody()
@UseGuards(NoStoreGuard)
@Controller('oauth2')
export class RevokeController {
  constructor(private readonly revokeToken: RevokeTokenUseCase) {}

  @Post('revoke')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Revoke an access token: its jti is denied until it expires. A client revokes its own tokens; a titan:admin caller any',
  })
  @ApiConsumes('application/x-www-form-urlencoded')
  @ApiBody({ type: TokenActionRequestDto })
  @ApiOkResponse({ description: 'Empty body; also for invalid, expired or unknown tokens (RFC 7009 section 2.2)' })
  @ApiResponse({ status: 400, type: ErrorBody, description: 'invalid_request; unauthorized_client: the token belongs to another client' })
  @ApiResponse({ status: 401, type: ErrorBody, description: 'invalid_client (client authentication) or invalid_token (bearer caller)' })
  @ApiErrors(413, 415, 503)
  async revoke(@Body(oauthForm(TokenActionRequestDto)) body: object, @Req() request: FastifyRequest): Promise<void> {
    const form = body as TokenActionRequestDto;
    const credentials = callerCredentials(request, form);
    const result = await this.revokeToken.execute(credentials, form.token, { requestId: String(request.id), clientIp: request.ip });
    if (!result.ok) throw credentials.token ? toResourceError(result.error) : toOAuthError(result.error, undefined);
  }
}

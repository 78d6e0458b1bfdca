import { Body, Controller, HttpCode, Post, Req, Res, UseGuards } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiHeader, ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { DpopProofVerifier, OAuthTokenUseCase } from '@titan/application';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { FormBody } from '../conventions/media-type.guard';
import { FailClosed } from '../health/fail-closed.guard';
import { ApiErrors, ErrorBody } from '../openapi/error-responses';
import { NoStoreGuard } from './no-store.guard';
import { unwrapOAuth } from './oauth-error.mapper';
import { clientCredentials, dpopHeader, oauthForm } from './oauth-request';
import { OAuthTokenRequestDto, OAuthTokenResponseDto } from './oauth.dto';

/** `POST /oauth2/token` (RFC 6749 section 4.4, RFC 7523, RFC 9449). */
@ApiTags('oauth')
@FormBody()
@FailClosed()
@UseGuards(NoStoreGuard)
@Controller('oauth2')
export class OAuthTokenController {
  constructor(
    private readonly oauthToken: OAuthTokenUseCase,
    private readonly dpop: DpopProofVerifier,
  ) {}

  @Post('token')
  @HttpCode(200)
  @ApiOperation({
    summary: 'client_credentials grant: private_key_jwt (ES256, enrolled key) or client secret; DPoP-bound when a DPoP proof is sent',
  })
  @ApiConsumes('application/x-www-form-urlencoded')
  @ApiBody({ type: OAuthTokenRequestDto })
  @ApiHeader({ name: 'DPoP', required: false, description: 'RFC 9449 proof (typ dpop+jwt, ES256) signed by an enrolled key of the client' })
  @ApiOkResponse({ type: OAuthTokenResponseDto, description: 'Cache-Control: no-store; DPoP-Nonce when nonces are required' })
  @ApiResponse({
    status: 400, type: ErrorBody,
    description: 'invalid_request, invalid_scope, invalid_target, unsupported_grant_type, invalid_dpop_proof, use_dpop_nonce (with DPoP-Nonce)',
  })
  @ApiResponse({ status: 401, type: ErrorBody, description: 'invalid_client (WWW-Authenticate: Basic): every client authentication failure, one body' })
  @ApiErrors(413, 415, 429, 503)
  async token(
    @Body(oauthForm(OAuthTokenRequestDto)) body: object,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<OAuthTokenResponseDto> {
    const form = body as OAuthTokenRequestDto;
    const proof = dpopHeader(request);
    const result = await this.oauthToken.execute(
      {
        ...(form.grant_type === undefined ? {} : { grantType: form.grant_type }),
        ...(form.scope === undefined ? {} : { scope: form.scope }),
        ...(form.resource === undefined ? {} : { resource: form.resource }),
        ...(form.audience === undefined ? {} : { audience: form.audience }),
        ...(proof === undefined ? {} : { dpopProof: proof }),
        client: clientCredentials(request, form),
      },
      { requestId: String(request.id), clientIp: request.ip },
    );
    const token = unwrapOAuth(result, this.dpop);
    if (proof !== undefined && this.dpop.noncePolicy === 'required') void reply.header('DPoP-Nonce', this.dpop.issueNonce());
    return token;
  }
}

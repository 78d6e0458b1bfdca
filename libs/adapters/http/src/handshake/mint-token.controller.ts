import { Body, Controller, Header, HttpCode, Post, Req, Res } from '@nestjs/common';
import { ApiHeader, ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { DpopProofVerifier, MintTokenUseCase } from '@titan/application';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { toApiError } from '../errors/domain-error.mapper';
import { toOAuthError } from '../oauth/oauth-error.mapper';
import { dpopHeader } from '../oauth/oauth-request';
import { FailClosed } from '../health/fail-closed.guard';
import { ApiErrors, ErrorBody } from '../openapi/error-responses';
import { MintTokenRequestDto, TokenResponseDto } from './mint-token.dto';

/** Handshake step 2: prove possession of the key, receive a short-lived ES256 access token. */
@ApiTags('handshake')
@FailClosed()
@Controller('v1/zkp')
export class MintTokenController {
  constructor(
    private readonly mintToken: MintTokenUseCase,
    private readonly dpop: DpopProofVerifier,
  ) {}

  @Post('token')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @Header('Pragma', 'no-cache')
  @ApiOperation({ summary: 'Redeem a challenge with a proof-of-possession signature for an access token' })
  @ApiHeader({ name: 'DPoP', required: false, description: 'RFC 9449 proof signed by an enrolled key: the token is then DPoP-bound (token_type DPoP, cnf.jkt)' })
  @ApiOkResponse({ type: TokenResponseDto })
  @ApiResponse({ status: 401, description: 'invalid_proof: every proof failure, with one identical body', type: ErrorBody })
  @ApiResponse({ status: 400, description: 'invalid_request; invalid_dpop_proof; use_dpop_nonce (with a DPoP-Nonce header)', type: ErrorBody })
  @ApiErrors(413, 415, 429, 503)
  async mint(
    @Body() body: MintTokenRequestDto,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<TokenResponseDto> {
    const proof = dpopHeader(request);
    const result = await this.mintToken.execute(
      { ...body, ...(proof === undefined ? {} : { dpopProof: proof }) },
      { requestId: String(request.id), clientIp: request.ip },
    );
    if (!result.ok) {
      const code = result.error.code;
      throw code === 'use_dpop_nonce' || code === 'invalid_dpop_proof' ? toOAuthError(result.error, this.dpop) : toApiError(result.error);
    }
    if (proof !== undefined && this.dpop.noncePolicy === 'required') void reply.header('DPoP-Nonce', this.dpop.issueNonce());
    return result.value;
  }
}

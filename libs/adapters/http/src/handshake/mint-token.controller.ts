import { Body, Controller, Header, HttpCode, Post, Req } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { MintTokenUseCase } from '@titan/application';
import type { FastifyRequest } from 'fastify';
import { unwrap } from '../errors/domain-error.mapper';
import { FailClosed } from '../health/fail-closed.guard';
import { ApiErrors, ErrorBody } from '../openapi/error-responses';
import { MintTokenRequestDto, TokenResponseDto } from './mint-token.dto';

/** Handshake step 2: prove possession of the key, receive a short-lived ES256 access token. */
@ApiTags('handshake')
@FailClosed()
@Controller('v1/zkp')
export class MintTokenController {
  constructor(private readonly mintToken: MintTokenUseCase) {}

  @Post('token')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @Header('Pragma', 'no-cache')
  @ApiOperation({ summary: 'Redeem a challenge with a proof-of-possession signature for an access token' })
  @ApiOkResponse({ type: TokenResponseDto })
  @ApiResponse({ status: 401, description: 'invalid_proof: every proof failure, with one identical body', type: ErrorBody })
  @ApiErrors(400, 413, 415, 429, 503)
  async mint(@Body() body: MintTokenRequestDto, @Req() request: FastifyRequest): Promise<TokenResponseDto> {
    return unwrap(await this.mintToken.execute(body, { requestId: String(request.id), clientIp: request.ip }));
  }
}

import { Body, Controller, Header, Post, Req } from '@nestjs/common';
import { ApiCreatedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ChallengeUseCase } from '@titan/application';
import type { FastifyRequest } from 'fastify';
import { unwrap } from '../errors/domain-error.mapper';
import { FailClosed } from '../health/fail-closed.guard';
import { ApiErrors } from '../openapi/error-responses';
import { ChallengeRequestDto, ChallengeResponseDto } from './challenge.dto';

/** Handshake step 1 (PRODUCT.md section 4). */
@ApiTags('handshake')
@FailClosed()
@Controller('v1/zkp')
export class ChallengeController {
  constructor(private readonly challenge: ChallengeUseCase) {}

  @Post('challenge')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'Get a single-use challenge nonce to sign with the identity\'s private key' })
  @ApiCreatedResponse({ type: ChallengeResponseDto })
  @ApiErrors(400, 413, 415, 429, 503)
  async issue(@Body() body: ChallengeRequestDto, @Req() request: FastifyRequest): Promise<ChallengeResponseDto> {
    const issued = unwrap(await this.challenge.execute(body, { requestId: String(request.id), clientIp: request.ip }));
    return { challengeId: issued.challengeId, nonce: issued.nonce, expiresAt: issued.expiresAt.toISOString() };
  }
}

import { Controller, Get, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { GetJwksUseCase } from '@titan/application';
import type { FastifyReply } from 'fastify';

/** Public signing keys for offline verification by resource servers. */
@ApiTags('discovery')
@Controller('.well-known')
export class JwksController {
  constructor(private readonly getJwks: GetJwksUseCase) {}

  @Get('jwks.json')
  @ApiOperation({ summary: 'JSON Web Key Set of the token-signing keys (public keys only)' })
  @ApiOkResponse({ description: '{ keys: [JWK...] }, Cache-Control: max-age derived from the key rotation schedule' })
  async jwks(@Res({ passthrough: true }) reply: FastifyReply): Promise<unknown> {
    const { jwks, maxAgeSeconds } = await this.getJwks.execute();
    void reply.header('Cache-Control', `public, max-age=${maxAgeSeconds}`);
    return jwks;
  }
}

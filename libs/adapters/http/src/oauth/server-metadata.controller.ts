import { Controller, Get, Header } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { GetServerMetadataUseCase, type ServerMetadata } from '@titan/application';
import { ServerMetadataDto } from './oauth.dto';

/** RFC 8414 authorization server metadata: what off-the-shelf OAuth clients discover. */
@ApiTags('discovery')
@Controller('.well-known')
export class ServerMetadataController {
  constructor(private readonly metadata: GetServerMetadataUseCase) {}

  @Get('oauth-authorization-server')
  @Header('Cache-Control', 'public, max-age=300')
  @ApiOperation({ summary: 'OAuth 2.0 authorization server metadata (RFC 8414): endpoints, grants, auth methods, algorithms' })
  @ApiOkResponse({ type: ServerMetadataDto })
  get(): ServerMetadata {
    return this.metadata.execute();
  }
}

import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, Matches, MaxLength } from 'class-validator';

/** What the gateway's route requires, set once per route in the forward-auth URL. */
export class ForwardAuthQueryDto {
  @ApiPropertyOptional({
    description: 'The aud the token must carry (the protected API). Without it any Titan token passes, whatever its audience: set it per route',
    example: 'orders-api',
  })
  @IsOptional() @MaxLength(255) @Matches(/^[\x21-\x7e]+$/, { message: 'audience must be 1 to 255 visible ASCII characters' })
  audience?: string;

  @ApiPropertyOptional({ description: 'Space-separated scopes the token must all carry', example: 'orders:read' })
  @IsOptional() @MaxLength(1024) @Matches(/^[\x21\x23-\x5b\x5d-\x7e]+( [\x21\x23-\x5b\x5d-\x7e]+)*$/, { message: 'scope must be space-separated scope tokens (RFC 6749 section 3.3)' })
  scope?: string;
}

import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Matches, MaxLength } from 'class-validator';

export class ChallengeRequestDto {
  @ApiProperty({ example: 'billing-api' })
  @IsString() @Matches(/^[a-z0-9][a-z0-9._-]{1,62}$/)
  identityId!: string;

  @ApiPropertyOptional({ description: 'Audience of the token: the issuer or one of the identity\'s allowed audiences' })
  @IsOptional() @IsString() @Matches(/^[\x21-\x7e]{1,255}$/)
  audience?: string;

  @ApiPropertyOptional({ description: 'Space-separated scopes, all allowed for the identity (default: all allowed)', example: 'billing:read' })
  @IsOptional() @IsString() @MaxLength(4096)
  scope?: string;
}

export class ChallengeResponseDto {
  @ApiProperty({ description: 'Opaque id of the challenge' }) challengeId!: string;
  @ApiProperty({ description: '32 random bytes, unpadded base64url' }) nonce!: string;
  @ApiProperty({ format: 'date-time' }) expiresAt!: string;
}

import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { fastStringBody } from '../conventions/titan-validation.pipe';

/** Identity ids as the handshake accepts them (the DTOs and their fast path share these). */
export const IDENTITY_ID_PATTERN = /^[a-z0-9][a-z0-9._-]{1,62}$/;
const AUDIENCE_PATTERN = /^[\x21-\x7e]{1,255}$/;
const MAX_SCOPE_LENGTH = 4096;

export class ChallengeRequestDto {
  @ApiProperty({ example: 'billing-api' })
  @IsString() @Matches(IDENTITY_ID_PATTERN)
  identityId!: string;

  @ApiPropertyOptional({ description: 'Audience of the token: the issuer or one of the identity\'s allowed audiences' })
  @IsOptional() @IsString() @Matches(AUDIENCE_PATTERN)
  audience?: string;

  @ApiPropertyOptional({ description: 'Space-separated scopes, all allowed for the identity (default: all allowed)', example: 'billing:read' })
  @IsOptional() @IsString() @MaxLength(MAX_SCOPE_LENGTH)
  scope?: string;
}

fastStringBody(ChallengeRequestDto, {
  identityId: { required: true, pattern: IDENTITY_ID_PATTERN },
  audience: { pattern: AUDIENCE_PATTERN },
  scope: { maxLength: MAX_SCOPE_LENGTH },
});

export class ChallengeResponseDto {
  @ApiProperty({ description: 'Opaque id of the challenge' }) challengeId!: string;
  @ApiProperty({ description: '32 random bytes, unpadded base64url' }) nonce!: string;
  @ApiProperty({ format: 'date-time' }) expiresAt!: string;
}

import { ApiProperty } from '@nestjs/swagger';
import { IsString, Matches, MaxLength } from 'class-validator';

export class MintTokenRequestDto {
  @ApiProperty({ example: 'billing-api' })
  @IsString() @Matches(/^[a-z0-9][a-z0-9._-]{1,62}$/)
  identityId!: string;

  @ApiProperty()
  @IsString() @MaxLength(256)
  challengeId!: string;

  @ApiProperty({
    description:
      'ECDSA P-256/SHA-256 signature, IEEE P1363 (r||s, 64 bytes), unpadded base64url, over the UTF-8 bytes of ' +
      '"titan-pop-v1\\n{issuer}\\n{identityId}\\n{challengeId}\\n{nonce}"',
  })
  @IsString() @MaxLength(128)
  signature!: string;
}

export class TokenResponseDto {
  @ApiProperty({ description: 'ES256 JWT (RFC 9068, typ at+jwt)' }) access_token!: string;
  @ApiProperty({ example: 'Bearer' }) token_type!: string;
  @ApiProperty({ example: 600 }) expires_in!: number;
  @ApiProperty({ example: 'billing:read' }) scope!: string;
}

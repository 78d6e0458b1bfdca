import { ApiProperty } from '@nestjs/swagger';
import { IsString, Matches, MaxLength } from 'class-validator';
import { fastStringBody } from '../conventions/titan-validation.pipe';
import { IDENTITY_ID_PATTERN } from './challenge.dto';

const MAX_CHALLENGE_ID_LENGTH = 256;
const MAX_SIGNATURE_LENGTH = 128;

export class MintTokenRequestDto {
  @ApiProperty({ example: 'billing-api' })
  @IsString() @Matches(IDENTITY_ID_PATTERN)
  identityId!: string;

  @ApiProperty()
  @IsString() @MaxLength(MAX_CHALLENGE_ID_LENGTH)
  challengeId!: string;

  @ApiProperty({
    description:
      'ECDSA P-256/SHA-256 signature, IEEE P1363 (r||s, 64 bytes), unpadded base64url, over the UTF-8 bytes of ' +
      '"titan-pop-v1\\n{issuer}\\n{identityId}\\n{challengeId}\\n{nonce}"',
  })
  @IsString() @MaxLength(MAX_SIGNATURE_LENGTH)
  signature!: string;
}

fastStringBody(MintTokenRequestDto, {
  identityId: { required: true, pattern: IDENTITY_ID_PATTERN },
  challengeId: { required: true, maxLength: MAX_CHALLENGE_ID_LENGTH },
  signature: { required: true, maxLength: MAX_SIGNATURE_LENGTH },
});

export class TokenResponseDto {
  @ApiProperty({ description: 'ES256 JWT (RFC 9068, typ at+jwt)' }) access_token!: string;
  @ApiProperty({ example: 'Bearer' }) token_type!: string;
  @ApiProperty({ example: 600 }) expires_in!: number;
  @ApiProperty({ example: 'billing:read' }) scope!: string;
}

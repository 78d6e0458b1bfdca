import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsBoolean, IsObject, IsOptional, IsString, Length, Matches } from 'class-validator';

const IDENTITY_ID_PATTERN = /^[a-z0-9][a-z0-9._-]{1,62}$/;
const SCOPE_PATTERN = /^[a-z0-9][a-z0-9:._/-]{0,127}$/;
const AUDIENCE_PATTERN = /^[\x21-\x7e]{1,255}$/;

export class PublicJwkDto {
  @ApiProperty({ example: 'EC' }) kty!: string;
  @ApiProperty({ example: 'P-256' }) crv!: string;
  @ApiProperty({ description: '32 bytes, unpadded base64url' }) x!: string;
  @ApiProperty({ description: '32 bytes, unpadded base64url' }) y!: string;
}

export class RegisterIdentityDto {
  @ApiProperty({ description: 'Unique, immutable name; also the OAuth client_id and token sub', pattern: IDENTITY_ID_PATTERN.source, example: 'billing-api' })
  @IsString() @Matches(IDENTITY_ID_PATTERN)
  id!: string;

  @ApiProperty({ type: PublicJwkDto, description: 'EC P-256 public JWK. A JWK with private material ("d") is refused and must be treated as exposed.' })
  @IsObject()
  publicKey!: Record<string, unknown>;

  @ApiPropertyOptional({ type: [String], example: ['billing:read'], description: 'Scopes tokens of this identity may carry' })
  @IsOptional() @IsArray() @ArrayMaxSize(100) @IsString({ each: true }) @Matches(SCOPE_PATTERN, { each: true })
  scopes?: string[];

  @ApiPropertyOptional({ type: [String], example: ['https://billing.internal'], description: 'Audiences tokens of this identity may be issued for, besides the issuer' })
  @IsOptional() @IsArray() @ArrayMaxSize(100) @IsString({ each: true }) @Matches(AUDIENCE_PATTERN, { each: true })
  audiences?: string[];

  @ApiPropertyOptional({
    description: 'Legacy clients only: also issue a 256-bit client secret for client_secret_basic / client_secret_post, ' +
      'returned once as clientSecret. Prefer private_key_jwt.',
    default: false,
  })
  @IsOptional() @IsBoolean()
  secret?: boolean;
}

export class AddIdentityKeyDto {
  @ApiProperty({ type: PublicJwkDto })
  @IsObject()
  publicKey!: Record<string, unknown>;
}

export class RevokeIdentityDto {
  @ApiProperty({ example: 'key compromised', maxLength: 500 })
  @IsString() @Length(1, 500)
  reason!: string;
}

export class IdentityIdParams {
  @IsString() @Matches(IDENTITY_ID_PATTERN)
  id!: string;
}

export class IdentityKeyParams extends IdentityIdParams {
  @IsString() @Matches(/^[A-Za-z0-9_-]{43}$/)
  thumbprint!: string;
}

export class IdentityKeyView {
  @ApiProperty({ description: 'RFC 7638 thumbprint, also the key\'s kid' }) thumbprint!: string;
  @ApiProperty({ type: PublicJwkDto }) jwk!: Record<string, string>;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

export class IdentityView {
  @ApiProperty() id!: string;
  @ApiProperty({ enum: ['active', 'revoked'] }) status!: string;
  @ApiProperty({ type: [IdentityKeyView] }) keys!: IdentityKeyView[];
  @ApiProperty({ type: [String] }) scopes!: string[];
  @ApiProperty({ type: [String] }) audiences!: string[];
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) revokedAt!: string | null;
  @ApiProperty({ nullable: true, type: String }) revocationReason!: string | null;
}

export class RegisteredIdentityView extends IdentityView {
  @ApiPropertyOptional({ description: 'Present only when secret: true was asked; shown this once, never again (Cache-Control: no-store)' })
  clientSecret?: string;
}

export class IdentityPageView {
  @ApiProperty({ type: [IdentityView] }) items!: IdentityView[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}

import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { fastStringBody, type FastStringRule } from '../conventions/titan-validation.pipe';

/** Client authentication parameters in the form body (RFC 6749 section 2.3.1, RFC 7523 section 2.2). */
export class OAuthClientAuthFormDto {
  @ApiPropertyOptional({ description: 'The identity id. Required with client_secret_post; optional otherwise (must match the authenticated client)' })
  @IsOptional() @IsString() @MaxLength(63)
  client_id?: string;

  @ApiPropertyOptional({ description: 'client_secret_post: the secret returned once at registration (identities created with secret: true)' })
  @IsOptional() @IsString() @MaxLength(256)
  client_secret?: string;

  @ApiPropertyOptional({ example: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer' })
  @IsOptional() @IsString() @MaxLength(128)
  client_assertion_type?: string;

  @ApiPropertyOptional({
    description: 'private_key_jwt: ES256 JWT signed by an enrolled key of the identity; iss = sub = client id, ' +
      'aud = issuer or token endpoint URL, exp at most 5 minutes ahead, jti single use',
  })
  @IsOptional() @IsString() @MaxLength(8192)
  client_assertion?: string;
}

export class OAuthTokenRequestDto extends OAuthClientAuthFormDto {
  @ApiProperty({ example: 'client_credentials', description: 'Only client_credentials is offered (refresh_token is for users, later; password never)' })
  @IsOptional() @IsString() @MaxLength(128)
  grant_type?: string;

  @ApiPropertyOptional({ example: 'billing:read', description: 'Space-separated scopes, all allowed for the client (default: all allowed)' })
  @IsOptional() @IsString() @MaxLength(4096)
  scope?: string;

  @ApiPropertyOptional({ description: 'RFC 8707 target: the token audience (issuer or an allowed audience of the client)' })
  @IsOptional() @IsString() @MaxLength(255)
  resource?: string;

  @ApiPropertyOptional({ description: 'Same as resource, for clients that send audience' })
  @IsOptional() @IsString() @MaxLength(255)
  audience?: string;
}

export class TokenActionRequestDto extends OAuthClientAuthFormDto {
  @ApiProperty({ description: 'The access token' })
  @IsString() @MaxLength(8192)
  token!: string;

  @ApiPropertyOptional({ example: 'access_token', description: 'Ignored: Titan only has access tokens today' })
  @IsOptional() @IsString() @MaxLength(64)
  token_type_hint?: string;
}

const CLIENT_AUTH_RULES: Readonly<Record<string, FastStringRule>> = {
  client_id: { maxLength: 63 },
  client_secret: { maxLength: 256 },
  client_assertion_type: { maxLength: 128 },
  client_assertion: { maxLength: 8192 },
};
// Fast paths of the two hot OAuth forms (ADR 0006): the same limits as the decorators above.
fastStringBody(OAuthTokenRequestDto, {
  ...CLIENT_AUTH_RULES, grant_type: { maxLength: 128 }, scope: { maxLength: 4096 }, resource: { maxLength: 255 }, audience: { maxLength: 255 },
});
fastStringBody(TokenActionRequestDto, { ...CLIENT_AUTH_RULES, token: { required: true, maxLength: 8192 }, token_type_hint: { maxLength: 64 } });

export class OAuthTokenResponseDto {
  @ApiProperty({ description: 'ES256 JWT (RFC 9068, typ at+jwt)' }) access_token!: string;
  @ApiProperty({ enum: ['Bearer', 'DPoP'], description: 'DPoP when a valid DPoP proof from an enrolled key was sent' }) token_type!: string;
  @ApiProperty({ example: 600 }) expires_in!: number;
  @ApiProperty({ example: 'billing:read' }) scope!: string;
}

export class ConfirmationDto {
  @ApiProperty({ description: 'RFC 7638 thumbprint of the enrolled key the token is bound to' }) jkt!: string;
}

export class IntrospectionResponseDto {
  @ApiProperty({ description: 'false for anything not currently valid; then no other member is present' }) active!: boolean;
  @ApiPropertyOptional() scope?: string;
  @ApiPropertyOptional() client_id?: string;
  @ApiPropertyOptional() sub?: string;
  @ApiPropertyOptional() aud?: string;
  @ApiPropertyOptional() iss?: string;
  @ApiPropertyOptional() exp?: number;
  @ApiPropertyOptional() iat?: number;
  @ApiPropertyOptional() nbf?: number;
  @ApiPropertyOptional() jti?: string;
  @ApiPropertyOptional({ enum: ['Bearer', 'DPoP'] }) token_type?: string;
  @ApiPropertyOptional({ type: ConfirmationDto, description: 'Only on DPoP-bound tokens: resource servers must require a proof from this key' })
  cnf?: ConfirmationDto;
}

export class ServerMetadataDto {
  @ApiProperty() issuer!: string;
  @ApiProperty() token_endpoint!: string;
  @ApiProperty() jwks_uri!: string;
  @ApiProperty() introspection_endpoint!: string;
  @ApiProperty() revocation_endpoint!: string;
  @ApiProperty({ type: [String] }) grant_types_supported!: string[];
  @ApiProperty({ type: [String] }) response_types_supported!: string[];
  @ApiProperty({ type: [String] }) token_endpoint_auth_methods_supported!: string[];
  @ApiProperty({ type: [String] }) token_endpoint_auth_signing_alg_values_supported!: string[];
  @ApiProperty({ type: [String] }) introspection_endpoint_auth_methods_supported!: string[];
  @ApiProperty({ type: [String] }) introspection_endpoint_auth_signing_alg_values_supported!: string[];
  @ApiProperty({ type: [String] }) revocation_endpoint_auth_methods_supported!: string[];
  @ApiProperty({ type: [String] }) revocation_endpoint_auth_signing_alg_values_supported!: string[];
  @ApiProperty({ type: [String] }) dpop_signing_alg_values_supported!: string[];
  @ApiProperty() service_documentation!: string;
}

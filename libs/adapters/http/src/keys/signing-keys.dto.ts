import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Length, Matches } from 'class-validator';
import type { AppliedKeyTransition, SigningKeyView } from '@titan/application';

const KID_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export class RotateSigningKeysQuery {
  @ApiPropertyOptional({ enum: ['ES256', 'RS256'], description: 'Rotate only this algorithm (default: every configured one)' })
  @IsOptional() @IsIn(['ES256', 'RS256'])
  alg?: string;
}

export class SigningKeyParams {
  @IsString() @Matches(KID_PATTERN)
  kid!: string;
}

export class RevokeSigningKeyDto {
  @ApiProperty({ example: 'private key exposed in a backup', maxLength: 500 })
  @IsString() @Length(1, 500)
  reason!: string;
}

export class SigningKeyItem {
  @ApiProperty({ description: 'RFC 7638 thumbprint, as in the JWKS and token headers' }) kid!: string;
  @ApiProperty({ enum: ['ES256', 'RS256'] }) alg!: string;
  @ApiProperty({ enum: ['next', 'active', 'retired', 'removed', 'revoked'] }) state!: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String, description: 'next keys: planned activation' }) activatesAt!: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) activatedAt!: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) retiredAt!: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String, description: 'retired keys: planned removal from the JWKS' }) removesAt!: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) removedAt!: string | null;
}

export class SigningKeyPage {
  @ApiProperty({ type: [SigningKeyItem] }) items!: SigningKeyItem[];
  @ApiProperty({ nullable: true, type: String, description: 'always null: every key fits in one page' }) nextCursor!: string | null;
}

export class KeyTransitionItem {
  @ApiProperty({ enum: ['create', 'publish', 'reschedule', 'activate', 'retire', 'remove', 'revoke'] }) kind!: string;
  @ApiProperty() kid!: string;
  @ApiProperty({ enum: ['ES256', 'RS256'] }) alg!: string;
  @ApiProperty({ format: 'date-time' }) at!: string;
  @ApiPropertyOptional({ format: 'date-time' }) activatesAt?: string;
  @ApiPropertyOptional({ description: 'activated before a full JWKS cache period (emergency revocation)' }) early?: boolean;
}

export class KeyChangeView {
  @ApiProperty({ type: [KeyTransitionItem], description: 'what this request changed' }) transitions!: KeyTransitionItem[];
  @ApiProperty({ type: [SigningKeyItem], description: 'every key after the change' }) keys!: SigningKeyItem[];
}

const iso = (at: Date | null): string | null => (at ? at.toISOString() : null);

export const presentSigningKey = (k: SigningKeyView): SigningKeyItem => ({
  kid: k.kid, alg: k.alg, state: k.state, createdAt: k.createdAt.toISOString(), activatesAt: iso(k.activatesAt),
  activatedAt: iso(k.activatedAt), retiredAt: iso(k.retiredAt), removesAt: iso(k.removesAt), removedAt: iso(k.removedAt),
});

export const presentTransition = (t: AppliedKeyTransition): KeyTransitionItem => ({
  kind: t.kind, kid: t.kid, alg: t.alg, at: t.at.toISOString(),
  ...(t.activatesAt && { activatesAt: t.activatesAt.toISOString() }),
  ...(t.early !== undefined && { early: t.early }),
});

import { ApiProperty } from '@nestjs/swagger';

export class AuditEntryView {
  @ApiProperty({ description: 'Position in the hash chain, from 1, without gaps', example: 42 }) seq!: number;
  @ApiProperty({ format: 'date-time' }) at!: string;
  @ApiProperty({ nullable: true, type: String, description: 'Who acted: an identity id, "cli", a configuration variable; null for anonymous callers' }) actor!: string | null;
  @ApiProperty({ example: 'identity.revoked', description: 'identity.registered, identity.revoked, identity.key_added, identity.key_retired, admin.bootstrapped, proof.failed, client_auth.failed, signing_key.*, token.revoked, token.minted (TITAN_AUDIT_MINTS), ...' }) action!: string;
  @ApiProperty({ nullable: true, type: String, description: 'What it was done to: an identity id, a key id, ...' }) subject!: string | null;
  @ApiProperty({ enum: ['success', 'failure'] }) outcome!: string;
  @ApiProperty({ nullable: true, type: String, description: 'The exact internal reason (never shown to the caller it concerns)' }) reason!: string | null;
  @ApiProperty({ nullable: true, type: String }) requestId!: string | null;
  @ApiProperty({ nullable: true, type: String }) clientIp!: string | null;
  @ApiProperty({ description: 'SHA-256 (hex) over this entry and the previous entry\'s hash' }) hash!: string;
}

export class AuditPageView {
  @ApiProperty({ type: [AuditEntryView], description: 'Newest entry first' }) items!: AuditEntryView[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}

export class AuditHeadView {
  @ApiProperty({ description: 'Sequence number of the newest entry (0: the log is empty)', example: 42 }) seq!: number;
  @ApiProperty({ description: 'Its hash (64 zeros for an empty log)' }) hash!: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) at!: string | null;
}

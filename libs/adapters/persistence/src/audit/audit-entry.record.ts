/** A row of `audit_log`. `seq` is bigint, which both drivers hand back as text. */
export interface AuditEntryRecord {
  readonly seq: string;
  readonly at: Date;
  readonly actor: string | null;
  readonly action: string;
  readonly subject: string | null;
  readonly outcome: 'success' | 'failure';
  readonly reason: string | null;
  readonly request_id: string | null;
  readonly client_ip: string | null;
  readonly prev_hash: string;
  readonly hash: string;
}

/** Who did what; `reason` is the exact internal reason, never shown to callers. */
export interface AuditEvent {
  readonly action: string;
  readonly outcome: 'success' | 'failure';
  readonly actor: string | null;
  readonly subject: string | null;
  readonly reason?: string | null;
  readonly requestId?: string | null;
  readonly clientIp?: string | null;
}

/** Append-only audit trail. */
export interface AuditLog {
  record(event: AuditEvent): Promise<void>;
}
export const AuditLog = Symbol('AuditLog');

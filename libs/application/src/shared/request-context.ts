/** Who is asking and from where, for the audit log. */
export interface RequestContext {
  readonly actor?: string | null;
  readonly requestId?: string | null;
  readonly clientIp?: string | null;
}

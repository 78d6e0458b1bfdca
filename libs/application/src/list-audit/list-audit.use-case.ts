import type { DomainError, Result } from '@titan/domain';
import type { AuditEntry, AuditHead, AuditTrail } from '../ports/audit-log.port';
import type { Page } from '../ports/identity-repository.port';

/** Pages through the audit log, newest entry first (admin, `GET /v1/audit`). */
export class ListAuditUseCase {
  constructor(private readonly trail: AuditTrail) {}

  execute(input: { limit: number; cursor: string | null }): Promise<Result<Page<AuditEntry>, DomainError>> {
    return this.trail.list(input.limit, input.cursor);
  }

  /** The newest entry, for operators to note elsewhere (`titan audit verify --expect-head SEQ:HASH`). */
  head(): Promise<AuditHead | null> {
    return this.trail.head();
  }
}

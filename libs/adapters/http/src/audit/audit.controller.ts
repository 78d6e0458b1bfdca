import { Controller, Get, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ListAuditUseCase, type AuditEntry } from '@titan/application';
import { AdminGuard } from '../auth/admin.guard';
import { unwrap } from '../errors/domain-error.mapper';
import { ApiErrors } from '../openapi/error-responses';
import { DEFAULT_PAGE_SIZE, PageQueryDto } from '../conventions/page-query.dto';
import { AuditEntryView, AuditHeadView, AuditPageView } from './audit.dto';

const EMPTY_CHAIN_HASH = '0'.repeat(64);

/** The tamper-evident audit log (PRODUCT.md section 9), read-only. Admin only. */
@ApiTags('audit')
@ApiBearerAuth()
@ApiErrors(401, 403, 429)
@UseGuards(AdminGuard)
@Controller('v1/audit')
export class AuditController {
  constructor(private readonly listAudit: ListAuditUseCase) {}

  @Get()
  @ApiOperation({ summary: 'Page through the audit log, newest entry first' })
  @ApiOkResponse({ type: AuditPageView })
  @ApiErrors(400)
  async list(@Query() query: PageQueryDto): Promise<AuditPageView> {
    const page = unwrap(await this.listAudit.execute({ limit: query.limit ?? DEFAULT_PAGE_SIZE, cursor: query.cursor ?? null }));
    return { items: page.items.map(presentAuditEntry), nextCursor: page.nextCursor };
  }

  @Get('head')
  @ApiOperation({
    summary: 'The newest entry\'s sequence number and hash',
    description: 'Note it outside the database: `titan audit verify --expect-head SEQ:HASH` then also catches deleted newest entries.',
  })
  @ApiOkResponse({ type: AuditHeadView })
  async head(): Promise<AuditHeadView> {
    const head = await this.listAudit.head();
    return head ? { seq: head.seq, hash: head.hash, at: head.at.toISOString() } : { seq: 0, hash: EMPTY_CHAIN_HASH, at: null };
  }
}

export function presentAuditEntry(entry: AuditEntry): AuditEntryView {
  return {
    seq: entry.seq, at: entry.at.toISOString(), actor: entry.actor, action: entry.action, subject: entry.subject,
    outcome: entry.outcome, reason: entry.reason, requestId: entry.requestId, clientIp: entry.clientIp, hash: entry.hash,
  };
}

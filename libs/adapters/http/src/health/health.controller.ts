import { Controller, Get, Inject, Res, ServiceUnavailableException } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { HealthCheckService, HealthIndicatorService, type HealthCheckResult } from '@nestjs/terminus';
import type { FastifyReply } from 'fastify';
import { DependencyMonitor } from './dependency-monitor';
import { DRAIN_STATE, READINESS_CHECKS, type DrainState, type ReadinessCheck } from './readiness-check';

@ApiTags('operations')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    @Inject(READINESS_CHECKS) private readonly checks: readonly ReadinessCheck[],
    @Inject(DRAIN_STATE) private readonly drain: DrainState,
    private readonly monitor: DependencyMonitor,
  ) {}

  @Get('live')
  @ApiOperation({ summary: 'Liveness: the process is up (does not look at dependencies)' })
  @ApiOkResponse({ description: '{ "status": "ok" }' })
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  @ApiOperation({ summary: 'Readiness: database, Redis (when configured) and signing key' })
  @ApiOkResponse({ description: 'Terminus health result, status "ok"' })
  @ApiServiceUnavailableResponse({ description: 'Terminus health result, status "error", naming what is down' })
  async ready(@Res({ passthrough: true }) reply: FastifyReply): Promise<HealthCheckResult | object> {
    if (this.drain.draining) {
      void reply.status(503);
      return { status: 'shutting_down' };
    }
    try {
      return await this.health.check(
        this.checks.map((c) => () => this.indicators.check(c.name).attempt(() => this.monitor.run(c))),
      );
    } catch (error) {
      if (!(error instanceof ServiceUnavailableException)) throw error;
      void reply.status(503);
      return error.getResponse() as object;
    }
  }
}

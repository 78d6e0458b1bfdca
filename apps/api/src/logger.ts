import type { LoggerService } from '@nestjs/common';
import pino, { type Logger } from 'pino';

/** JSON logs on stdout. Tokens, keys and signatures are never passed to the logger in the first place. */
export const createLogger = (level: string): Logger =>
  pino({ level, base: { service: 'titan' }, timestamp: pino.stdTimeFunctions.isoTime });

/** Routes Nest's own messages into pino. */
export class NestPinoLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}
  log(message: unknown, context?: string): void { this.logger.info({ context }, String(message)); }
  error(message: unknown, trace?: string, context?: string): void { this.logger.error({ context, trace }, String(message)); }
  warn(message: unknown, context?: string): void { this.logger.warn({ context }, String(message)); }
  debug(message: unknown, context?: string): void { this.logger.debug({ context }, String(message)); }
  verbose(message: unknown, context?: string): void { this.logger.trace({ context }, String(message)); }
}

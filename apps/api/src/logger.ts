import type { LoggerService } from '@nestjs/common';
import pino, { type Logger } from 'pino';

/**
 * Defence in depth: tokens, keys, signatures and secrets are never passed to the logger in the first
 * place, and should one be, these paths are censored anyway (pino wildcards reach one level deep).
 */
export const REDACTED_PATHS: readonly string[] = [
  'authorization', 'cookie', 'password', 'client_secret', 'access_token', 'refresh_token', 'signature', 'd',
  'client_assertion', 'dpop', 'privateJwk',
  '*.authorization', '*.cookie', '*.password', '*.client_secret', '*.clientSecret', '*.access_token', '*.refresh_token',
  '*.signature', '*.d', '*.client_assertion', '*.clientAssertion', '*.dpop', '*.dpopProof', '*.privateJwk',
  'req.headers.authorization', 'req.headers.cookie', 'req.headers.dpop', '*.headers.authorization', '*.headers.cookie',
  '*.headers.dpop', '*.headers["set-cookie"]',
];

export interface LoggerOptions {
  /** Extra fields on every line, e.g. the active trace and span ids. */
  readonly mixin?: () => Record<string, unknown>;
}

/** JSON logs on stdout. */
export const createLogger = (level: string, options: LoggerOptions = {}): Logger =>
  pino({
    level,
    base: { service: 'titan' },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: [...REDACTED_PATHS], censor: '[redacted]' },
    ...(options.mixin ? { mixin: options.mixin } : {}),
  });

/** Routes Nest's own messages into pino. */
export class NestPinoLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}
  log(message: unknown, context?: string): void { this.logger.info({ context }, String(message)); }
  error(message: unknown, trace?: string, context?: string): void { this.logger.error({ context, trace }, String(message)); }
  warn(message: unknown, context?: string): void { this.logger.warn({ context }, String(message)); }
  debug(message: unknown, context?: string): void { this.logger.debug({ context }, String(message)); }
  verbose(message: unknown, context?: string): void { this.logger.trace({ context }, String(message)); }
}

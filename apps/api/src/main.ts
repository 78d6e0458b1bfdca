#!/usr/bin/env node
import { ConfigError, loadConfig } from '@titan/config';
import { startTracing, traceLogFields } from './instrumentation';
import { createLogger } from './logger';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`titan: configuration error: ${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  // Tracing starts before the server module loads http, pg and ioredis, so it can instrument them;
  // without OTEL_EXPORTER_OTLP_ENDPOINT / OTEL_TRACES_EXPORTER the SDK is never loaded.
  const tracing = await startTracing(process.env).catch((error: unknown) => {
    process.stderr.write(`titan: tracing failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
  const logger = createLogger(config.logLevel, tracing ? { mixin: traceLogFields } : {});
  const { startServer } = await import('./server.js');
  const server = await startServer(config, logger).catch((error: unknown) => {
    const kind = error instanceof ConfigError ? 'configuration error' : 'failed to start';
    process.stderr.write(`titan: ${kind}: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    server.close().then(() => tracing?.shutdown()).then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'error during shutdown');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

void main();

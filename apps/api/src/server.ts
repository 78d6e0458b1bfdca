import 'reflect-metadata';
import { getHeapStatistics } from 'node:v8';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { fastifyServerOptions, installResponseHeaders, setupOpenApi } from '@titan/adapter-http';
import { installHttpObservability, installMetricsRoute, startMetricsListener, type MetricsListener } from '@titan/adapter-observability';
import type { Logger } from 'pino';
import { AppModule } from './app.module';
import { composeTitan } from './composition-root';
import type { TitanConfig } from '@titan/config';
import { NestPinoLogger } from './logger';

export interface RunningServer {
  /** Where the server listens, e.g. http://127.0.0.1:8000. */
  readonly url: string;
  /** The separate metrics listener's `/metrics` URL, when TITAN_METRICS_PORT is set. */
  readonly metricsUrl?: string;
  /** Stops accepting connections, drains in-flight requests, then closes pools and stores. */
  close(): Promise<void>;
}

export async function startServer(config: TitanConfig, logger: Logger): Promise<RunningServer> {
  const titan = await composeTitan(config, logger);
  const drainState = { draining: false };
  let metricsListener: MetricsListener | undefined;
  try {
    const app = await NestFactory.create<NestFastifyApplication>(
      AppModule.register({ useCases: titan.useCases, readinessChecks: titan.readinessChecks, drainState, logger, metrics: titan.metrics, abuse: titan.abuse }),
      new FastifyAdapter(fastifyServerOptions({ trustedProxies: config.trustedProxies })),
      { logger: new NestPinoLogger(logger), abortOnError: false },
    );
    const fastify = app.getHttpAdapter().getInstance();
    installResponseHeaders(fastify);
    installHttpObservability(fastify, { metrics: titan.metrics, logger });
    if (config.metricsToken !== undefined) installMetricsRoute(fastify, { metrics: titan.metrics, token: config.metricsToken });
    setupOpenApi(app, config.issuer);
    await app.listen({ port: config.port, host: config.host });
    const address = app.getHttpServer().address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    const url = `http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${port}`;
    if (config.metricsPort !== undefined) {
      metricsListener = await startMetricsListener({
        metrics: titan.metrics, token: config.metricsToken, host: config.metricsHost, port: config.metricsPort,
      });
    }
    // The heap limit shows whether the launcher's or NODE_OPTIONS' heap sizing applies (docs/operations.md, "Memory").
    const heapLimitMb = Math.round(getHeapStatistics().heap_size_limit / 1024 / 1024);
    logger.info({ url, issuer: config.issuer, mode: titan.mode, metrics: metricsListener?.url ?? (config.metricsToken ? `${url}/metrics` : 'off'), heapLimitMb }, 'titan listening');
    return {
      url,
      ...(metricsListener ? { metricsUrl: metricsListener.url } : {}),
      async close() {
        // Readiness goes red first; after the delay the listener closes and in-flight requests
        // finish (Fastify waits for them); only then do pools, stores and workers close.
        drainState.draining = true;
        if (config.shutdownDelaySeconds > 0) await new Promise((r) => setTimeout(r, config.shutdownDelaySeconds * 1000));
        await app.close();
        await metricsListener?.close();
        await titan.close();
      },
    };
  } catch (error) {
    await metricsListener?.close();
    await titan.close();
    throw error;
  }
}

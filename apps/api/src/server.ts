import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { fastifyServerOptions, installResponseHeaders, setupOpenApi } from '@titan/adapter-http';
import type { Logger } from 'pino';
import { AppModule } from './app.module';
import { composeTitan } from './composition-root';
import type { TitanConfig } from './config/config';
import { NestPinoLogger } from './logger';

export interface RunningServer {
  /** Where the server listens, e.g. http://127.0.0.1:8000. */
  readonly url: string;
  /** Stops accepting connections, drains in-flight requests, then closes pools and stores. */
  close(): Promise<void>;
}

export async function startServer(config: TitanConfig, logger: Logger): Promise<RunningServer> {
  const titan = await composeTitan(config, logger);
  try {
    const app = await NestFactory.create<NestFastifyApplication>(
      AppModule.register({ useCases: titan.useCases, readinessChecks: titan.readinessChecks, logger }),
      new FastifyAdapter(fastifyServerOptions()),
      { logger: new NestPinoLogger(logger), abortOnError: false },
    );
    installResponseHeaders(app.getHttpAdapter().getInstance());
    setupOpenApi(app, config.issuer);
    await app.listen({ port: config.port, host: config.host });
    const address = app.getHttpServer().address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    const url = `http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${port}`;
    logger.info({ url, issuer: config.issuer, mode: titan.mode }, 'titan listening');
    return {
      url,
      async close() {
        await app.close();
        await titan.close();
      },
    };
  } catch (error) {
    await titan.close();
    throw error;
  }
}

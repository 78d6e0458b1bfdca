import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import { Writable } from 'node:stream';
import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace';
import { proofMessage } from '@titan/domain';
import pino from 'pino';
import { startTracing, traceLogFields, tracingRequested, type Tracing } from './instrumentation';
import type { RunningServer } from './server';
// Configuration loads no instrumented module (http, pg, ioredis), so it may load before tracing starts.
import { loadConfig } from '@titan/config';

// Nothing that loads http, pg or ioredis may be imported above this line: the server, the config and
// the test kit are imported once tracing has started, as main.ts does.

const SERVER = 1; // SpanKind.SERVER
const ISSUER = 'http://titan.test';

describe('tracing bootstrap', () => {
  it('stays off, and leaves the SDK unloaded, without OTEL variables', async () => {
    assert.equal(tracingRequested({}), false);
    assert.equal(tracingRequested({ OTEL_TRACES_EXPORTER: 'none', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }), false);
    assert.equal(tracingRequested({ OTEL_SDK_DISABLED: 'true', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }), false);
    assert.equal(tracingRequested({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }), true);
    assert.equal(tracingRequested({ OTEL_TRACES_EXPORTER: 'console' }), true);
    assert.equal(await startTracing({}), undefined);
    assert.ok(!Object.keys(require.cache).some((path) => path.includes('@opentelemetry/sdk-node')), 'the SDK was loaded');
  });
});

const infra = process.env['TITAN_TEST_DATABASE_URL'] && process.env['TITAN_TEST_REDIS_URL'];

describe('a traced handshake (production mode)', { skip: infra ? false : 'SKIPPED: tracing suite (set TITAN_TEST_DATABASE_URL and TITAN_TEST_REDIS_URL)' }, () => {
  const exporter = new InMemorySpanExporter();
  const logLines: Array<Record<string, unknown>> = [];
  const key = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  let tracing: Tracing | undefined;
  let server: RunningServer;
  let cleanup: () => Promise<void>;

  before(async () => {
    tracing = await startTracing({}, { spanProcessors: [new SimpleSpanProcessor({ exporter })] });
    const { startServer } = await import('./server.js');
    // Titan creates its schema; the test drops it, and the keys under its own Redis prefix.
    const schema = `titan_trace_${process.pid}_${randomBytes(4).toString('hex')}`;
    const redisPrefix = `titan-trace-test:${process.pid}:${randomBytes(4).toString('hex')}:`;
    const config = loadConfig({
      PORT: '0', HOST: '127.0.0.1', TITAN_ISSUER: ISSUER,
      DATABASE_URL: process.env['TITAN_TEST_DATABASE_URL'], TITAN_DATABASE_SCHEMA: schema,
      REDIS_URL: process.env['TITAN_TEST_REDIS_URL'], TITAN_REDIS_PREFIX: redisPrefix,
      TITAN_KEK: randomBytes(32).toString('base64url'), TITAN_SECRET_PEPPER: randomBytes(32).toString('base64url'),
      TITAN_BOOTSTRAP_ADMIN_JWK: JSON.stringify(key.publicKey.export({ format: 'jwk' })),
    });
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString().split('\n').filter(Boolean)) logLines.push(JSON.parse(line) as Record<string, unknown>);
        done();
      },
    });
    server = await startServer(config, pino({ level: 'info', mixin: traceLogFields }, sink));
    cleanup = async () => {
      const { Client } = await import('pg');
      const client = new Client({ connectionString: process.env['TITAN_TEST_DATABASE_URL'] });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).finally(() => client.end());
      // ioredis is loaded by now (the server's), so importing it here changes nothing for tracing.
      const { Redis } = await import('ioredis');
      const redis = new Redis(process.env['TITAN_TEST_REDIS_URL']!);
      try {
        const keys = await redis.keys(`${redisPrefix}*`);
        if (keys.length > 0) await redis.del(...keys);
      } finally {
        redis.disconnect();
      }
    };
  });
  after(async () => {
    await server?.close();
    await tracing?.shutdown();
    await cleanup?.();
  });

  const post = async (path: string, body: unknown) => {
    const res = await fetch(`${server.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { status: res.status, requestId: res.headers.get('x-request-id'), body: (await res.json()) as Record<string, string> };
  };

  /** The spans of the request with this id: its server span and every descendant. */
  function traceOf(requestId: string): { root: ReadableSpan; spans: ReadableSpan[]; isBelow(span: ReadableSpan, ancestor: ReadableSpan): boolean } {
    const all = exporter.getFinishedSpans();
    const line = logLines.find((l) => l['reqId'] === requestId && l['msg'] === 'request completed');
    assert.ok(line, `no access-log line for ${requestId}`);
    const root = all.find((s) => s.kind === SERVER && s.spanContext().spanId === line['span_id']);
    assert.ok(root, 'the access-log line names the HTTP server span');
    assert.equal(line['trace_id'], root.spanContext().traceId);
    const spans = all.filter((s) => s.spanContext().traceId === root.spanContext().traceId);
    const byId = new Map(spans.map((s) => [s.spanContext().spanId, s]));
    const isBelow = (span: ReadableSpan, ancestor: ReadableSpan): boolean => {
      for (let parent = span.parentSpanContext?.spanId; parent !== undefined; parent = byId.get(parent)?.parentSpanContext?.spanId) {
        if (parent === ancestor.spanContext().spanId) return true;
      }
      return false;
    };
    return { root, spans, isBelow };
  }

  const isRedis = (s: ReadableSpan) => s.attributes['db.system'] === 'redis' || s.attributes['db.system.name'] === 'redis';
  const isPostgres = (s: ReadableSpan) => s.attributes['db.system'] === 'postgresql' || s.attributes['db.system.name'] === 'postgresql';

  it('puts the HTTP span, the use-case span and the Redis span of a handshake in one trace', async () => {
    const challenge = await post('/v1/zkp/challenge', { identityId: 'admin', audience: ISSUER, scope: 'titan:admin' });
    assert.equal(challenge.status, 201);
    const signature = sign('sha256', Buffer.from(proofMessage(ISSUER, 'admin', challenge.body['challengeId']!, challenge.body['nonce']!)), {
      key: key.privateKey, dsaEncoding: 'ieee-p1363',
    }).toString('base64url');
    const minted = await post('/v1/zkp/token', { identityId: 'admin', challengeId: challenge.body['challengeId'], signature });
    assert.equal(minted.status, 200, JSON.stringify(minted.body));

    for (const [requestId, useCase, route] of [
      [challenge.requestId!, 'usecase Challenge', '/v1/zkp/challenge'],
      [minted.requestId!, 'usecase MintToken', '/v1/zkp/token'],
    ] as const) {
      const { root, spans, isBelow } = traceOf(requestId);
      assert.equal(root.name, `POST ${route}`);
      assert.equal(root.attributes['http.route'], route);
      const span = spans.find((s) => s.name === useCase);
      assert.ok(span, `${useCase} in the trace`);
      assert.ok(isBelow(span, root), `${useCase} under the HTTP span`);
      assert.equal(span.attributes['titan.outcome'], 'success');
      const redis = spans.filter((s) => isRedis(s) && isBelow(s, span));
      assert.ok(redis.length > 0, `a Redis span under ${useCase}: ${spans.map((s) => s.name).join(', ')}`);
      for (const r of redis) {
        assert.doesNotMatch(String(r.attributes['db.statement'] ?? r.attributes['db.query.text'] ?? ''), /challenge|:/, 'Redis spans name the command only');
      }
    }
  });

  it('records a failed proof with its reason, and the audit write as a PostgreSQL span', async () => {
    const challenge = await post('/v1/zkp/challenge', { identityId: 'admin', audience: ISSUER, scope: 'titan:admin' });
    const refused = await post('/v1/zkp/token', { identityId: 'admin', challengeId: challenge.body['challengeId'], signature: 'A'.repeat(86) });
    assert.equal(refused.status, 401);
    const { root, spans, isBelow } = traceOf(refused.requestId!);
    const span = spans.find((s) => s.name === 'usecase MintToken');
    assert.ok(span && isBelow(span, root));
    assert.equal(span.attributes['titan.outcome'], 'invalid_proof');
    assert.equal(span.attributes['titan.reason'], 'bad_signature');
    assert.ok(spans.some((s) => isPostgres(s) && isBelow(s, span)), `a PostgreSQL span under the use case: ${spans.map((s) => s.name).join(', ')}`);
  });
});

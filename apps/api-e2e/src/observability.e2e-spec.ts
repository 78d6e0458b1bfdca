import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { call, challenge, handshake } from './support/api';
import { embeddedMode, productionMode } from './support/deployment-modes';
import { newServiceKey } from './support/service-key';
import { startTitan, type TitanProcess } from './support/titan-process';

const mode = productionMode().skip ? embeddedMode : productionMode();
const TOKEN = randomBytes(32).toString('hex');

/** The value of one sample, e.g. `titan_handshakes_total{step="proof",outcome="success",reason="none"}`. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

/**
 * Operations (PRODUCT.md section 9): `/metrics` in Prometheus format behind TITAN_METRICS_TOKEN and on
 * a loopback listener (TITAN_METRICS_PORT), with the metrics the operations guide names; one
 * access-log line per request carrying the caller's X-Request-Id.
 */
describe(`metrics and access log (${mode.name})`, () => {
  const adminKey = newServiceKey();
  let titan: TitanProcess;
  let teardown: () => Promise<void>;
  let listenerUrl: string;

  /** `token: null` sends no Authorization header. */
  const scrape = async (url = `${titan.url}/metrics`, token: string | null = TOKEN) => {
    const res = await fetch(url, { headers: token === null ? {} : { authorization: `Bearer ${token}` } });
    return { status: res.status, headers: res.headers, text: await res.text() };
  };

  before(async () => {
    const setup = await mode.setup();
    teardown = setup.teardown;
    titan = await startTitan({
      ...setup.env, TITAN_CRYPTO_LANE: 'piscina', TITAN_METRICS_TOKEN: TOKEN, TITAN_METRICS_PORT: '0',
      TITAN_BOOTSTRAP_ADMIN_JWK: JSON.stringify(adminKey.publicJwk),
    });
    const listening = titan.output().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l['msg'] === 'titan listening');
    listenerUrl = listening?.['metrics'] as string;
    assert.match(listenerUrl, /^http:\/\/127\.0\.0\.1:\d+\/metrics$/, 'the metrics listener binds to loopback by default');
  });
  after(async () => {
    await titan?.stop();
    await teardown?.();
  });

  it('refuses a scrape without the right bearer token, on both listeners, in constant shape', async () => {
    for (const url of [`${titan.url}/metrics`, listenerUrl]) {
      const missing = await scrape(url, null);
      assert.equal(missing.status, 401, url);
      assert.equal(missing.headers.get('www-authenticate'), 'Bearer');
      assert.deepEqual(JSON.parse(missing.text), { error: 'invalid_token', error_description: 'a valid metrics bearer token is required' });
      const wrong = await scrape(url, `${TOKEN.slice(0, -1)}${TOKEN.endsWith('0') ? '1' : '0'}`);
      assert.equal(wrong.status, 401, url);
      assert.equal(wrong.headers.get('www-authenticate'), 'Bearer error="invalid_token"');
      assert.equal((await scrape(url, TOKEN.slice(0, 16))).status, 401, 'a prefix of the token is not the token');
    }
    assert.equal((await fetch(listenerUrl.replace('/metrics', '/health/live'))).status, 404, 'the metrics listener serves nothing else');
    const docs = await call(titan.url, 'GET', '/api/docs-json');
    assert.equal((docs.body['paths'] as Record<string, unknown>)['/metrics'], undefined, '/metrics is not part of the API document');
  });

  it('counts handshakes by outcome and reason, and exposes latency, crypto lane, signing keys and process metrics', async () => {
    const ok = await handshake(titan.url, titan.issuer, 'admin', adminKey, { audience: titan.issuer, scope: 'titan:admin' });
    assert.equal(ok.status, 200);
    const c = await challenge(titan.url, 'admin');
    const bad = await call(titan.url, 'POST', '/v1/zkp/token', { identityId: 'admin', challengeId: c.challengeId, signature: randomBytes(64).toString('base64url') });
    assert.equal(bad.status, 401);
    const replay = await call(titan.url, 'POST', '/v1/zkp/token', { identityId: 'admin', challengeId: c.challengeId, signature: randomBytes(64).toString('base64url') });
    assert.equal(replay.status, 401);

    const main = await scrape();
    assert.equal(main.status, 200);
    assert.match(main.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
    assert.equal(main.headers.get('cache-control'), 'no-store');
    const { text } = main;
    assert.equal(sample(text, 'titan_handshakes_total{step="challenge",outcome="success",reason="none"}'), 2);
    assert.equal(sample(text, 'titan_handshakes_total{step="proof",outcome="success",reason="none"}'), 1);
    assert.equal(sample(text, 'titan_handshakes_total{step="proof",outcome="invalid_proof",reason="bad_signature"}'), 1);
    assert.equal(sample(text, 'titan_handshakes_total{step="proof",outcome="invalid_proof",reason="challenge_unknown_or_used"}'), 1);
    assert.equal(sample(text, 'titan_token_requests_total{endpoint="native",grant_type="titan_proof",outcome="success",reason="none"}'), 1);
    assert.equal(sample(text, 'titan_http_request_duration_seconds_count{method="POST",route="/v1/zkp/token",status_class="4xx"}'), 2);
    assert.equal(sample(text, 'titan_http_request_duration_seconds_count{method="POST",route="/v1/zkp/token",status_class="2xx"}'), 1);
    assert.equal(sample(text, 'titan_use_case_duration_seconds_count{use_case="MintToken",result="failure"}'), 2);
    assert.equal(sample(text, 'titan_crypto_lane_queue_depth'), 0);
    assert.ok((sample(text, 'titan_crypto_lane_task_duration_seconds_count{operation="verify",lane="piscina"}') ?? 0) >= 2);
    assert.ok((sample(text, 'titan_crypto_lane_task_duration_seconds_count{operation="sign",lane="piscina"}') ?? 0) >= 1);
    assert.equal(sample(text, 'titan_signing_keys{state="active"}'), 1);
    assert.match(text, /^titan_signing_key_age_seconds\{kid="[\w-]+",alg="ES256",state="active"\} \d/m);
    for (const name of ['titan_dependency_errors_total counter', 'titan_rate_limit_rejections_total counter', 'titan_process_cpu_user_seconds_total counter', 'titan_nodejs_eventloop_lag_seconds gauge']) {
      assert.match(text, new RegExp(`^# TYPE ${name}$`, 'm'), name);
    }
    assert.doesNotMatch(text, /="admin"/, 'no identity ids in labels');

    const separate = await scrape(listenerUrl);
    assert.equal(separate.status, 200);
    assert.equal(sample(separate.text, 'titan_handshakes_total{step="proof",outcome="success",reason="none"}'), 1, 'same registry on both listeners');
  });

  it('writes one access-log line per request with the caller\'s request id and no headers or bodies', async () => {
    const requestId = `obs-${randomBytes(6).toString('hex')}`;
    const res = await fetch(`${titan.url}/v1/zkp/challenge?probe=${requestId}`, {
      method: 'POST', headers: { 'content-type': 'application/json', 'x-request-id': requestId, 'user-agent': 'observability-spec' },
      body: JSON.stringify({ identityId: 'nobody-here' }),
    });
    assert.equal(res.status, 201);
    assert.equal(res.headers.get('x-request-id'), requestId);
    await new Promise((r) => setTimeout(r, 100));
    const lines = titan.output().split('\n').filter((l) => l.includes(requestId)).map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.equal(lines.length, 1, 'exactly one line names the request');
    const line = lines[0]!;
    assert.equal(line['msg'], 'request completed');
    assert.equal(line['reqId'], requestId);
    assert.equal(line['method'], 'POST');
    assert.equal(line['route'], '/v1/zkp/challenge');
    assert.equal(line['path'], '/v1/zkp/challenge', 'the query string is dropped');
    assert.equal(line['status'], 201);
    assert.equal(typeof line['durationMs'], 'number');
    assert.equal(line['clientIp'], '127.0.0.1');
    assert.equal(line['userAgent'], 'observability-spec');
    assert.equal(JSON.stringify(line).includes('nobody-here'), false, 'no body');
  });
});

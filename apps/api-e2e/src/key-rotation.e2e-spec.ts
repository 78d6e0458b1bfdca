import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { decodeProtectedHeader } from 'jose';
import { adminToken, bearer, call } from './support/api';
import { newServiceKey } from './support/service-key';
import { runToExit, startTitan, tempDataDir, type TitanProcess } from './support/titan-process';

const CLI_MAIN = resolve(__dirname, '../../cli/dist/main.js');
const MAX_AGE = 120;
const KEY_REFRESH_SECONDS = 15;

function titanCli(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((ok) => {
    execFile(process.execPath, [CLI_MAIN, ...args], { env: { PATH: process.env['PATH'] ?? '', ...env }, timeout: 60_000 }, (error, stdout, stderr) =>
      ok({ code: error ? Number((error as NodeJS.ErrnoException & { code?: unknown }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

type Jwks = { keys: Array<Record<string, string>> };
type KeyList = { items: Array<Record<string, string | null>>; nextCursor: null };

/** Signing-key lifecycle from the outside (ADR 0005): on-demand rotation, listing, emergency revocation. */
describe('signing-key rotation end to end (embedded)', () => {
  const adminKey = newServiceKey();
  const data = tempDataDir();
  let titan: TitanProcess;
  let cliEnv: Record<string, string>;

  before(async () => {
    titan = await startTitan({
      TITAN_DATA_DIR: data.dir, TITAN_BOOTSTRAP_ADMIN_JWK: JSON.stringify(adminKey.publicJwk), TITAN_JWKS_MAX_AGE_SECONDS: String(MAX_AGE),
    });
    const keyFile = join(data.dir, 'admin.jwk');
    writeFileSync(keyFile, JSON.stringify(adminKey.privateJwk), { mode: 0o600 });
    cliEnv = { TITAN_URL: titan.url, TITAN_ADMIN_KEY: keyFile };
  });
  after(async () => {
    await titan?.stop();
    data.remove();
  });

  const jwks = () => call<Jwks>(titan.url, 'GET', '/.well-known/jwks.json');

  it('serves the JWKS with Cache-Control max-age from the configuration', async () => {
    const res = await jwks();
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('cache-control'), `public, max-age=${MAX_AGE}`);
    assert.equal(res.body.keys.length, 1);
  });

  it('POST /v1/admin/keys/rotate publishes a next key that signs only after max-age + propagation', async () => {
    const before = (await jwks()).body.keys.map((k) => k['kid']);
    const admin = await adminToken(titan.url, titan.issuer, adminKey);
    assert.equal((await call(titan.url, 'POST', '/v1/admin/keys/rotate', undefined, {})).status, 401);
    const started = Date.now();
    const res = await call<{ transitions: Array<Record<string, string>>; keys: KeyList['items'] }>(titan.url, 'POST', '/v1/admin/keys/rotate', undefined, bearer(admin));
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(res.body.transitions.map((t) => [t['kind'], t['alg']]), [['publish', 'ES256']]);
    const activatesAt = Date.parse(res.body.transitions[0]!['activatesAt']!);
    const lead = (MAX_AGE + KEY_REFRESH_SECONDS) * 1000;
    assert.ok(activatesAt >= started + lead - 1000 && activatesAt <= Date.now() + lead + 1000, 'activates one lead from now');
    const after = (await jwks()).body.keys.map((k) => k['kid']);
    assert.equal(after.length, 2);
    assert.deepEqual(after.slice(0, 1), before);
    // Still signing with the old key.
    const again = await adminToken(titan.url, titan.issuer, adminKey);
    assert.equal(decodeProtectedHeader(again).kid, before[0]);

    const listed = await call<KeyList>(titan.url, 'GET', '/v1/admin/keys', undefined, bearer(again));
    assert.equal(listed.status, 200);
    assert.deepEqual(listed.body.items.map((k) => k['state']), ['active', 'next']);
    assert.equal(listed.body.nextCursor, null);
    const text = JSON.stringify(listed.body);
    for (const secret of ['encryptedPrivateKey', 'privateJwk', '"d"', 'v1.']) assert.equal(text.includes(secret), false, secret);
    assert.deepEqual(Object.keys(listed.body.items[1]!).sort(), ['activatedAt', 'activatesAt', 'alg', 'createdAt', 'kid', 'removedAt', 'removesAt', 'retiredAt', 'state']);
  });

  it('titan keys rotate (CLI over HTTP) brings nothing forward before it is safe, and titan keys list shows the keys', async () => {
    const rotated = await titanCli(['keys', 'rotate'], cliEnv);
    assert.equal(rotated.code, 0, rotated.stderr);
    assert.match(rotated.stdout, /nothing to change/);
    assert.match(rotated.stdout, /active\s+signing since/);
    assert.match(rotated.stdout, /next\s+signs from/);
    const json = await titanCli(['keys', 'list', '--json'], cliEnv);
    assert.equal(json.code, 0, json.stderr);
    assert.equal((JSON.parse(json.stdout) as KeyList).items.length, 2);
    assert.equal((await titanCli(['keys', 'rotate', '--alg', 'RS256'], cliEnv)).code, 1, 'RS256 is not configured here');
  });

  it('revokes the active key: out of the JWKS at once, its tokens refused at Titan, the next key signs', async () => {
    const oldAdmin = await adminToken(titan.url, titan.issuer, adminKey);
    const kid = decodeProtectedHeader(oldAdmin).kid!;
    const revoked = await titanCli(['keys', 'revoke', kid, '--reason', 'e2e: key exposed', '--json'], cliEnv);
    assert.equal(revoked.code, 0, revoked.stderr);
    const body = JSON.parse(revoked.stdout) as { transitions: Array<Record<string, unknown>> };
    assert.deepEqual(body.transitions.map((t) => [t['kind'], t['early'] ?? null]), [['revoke', null], ['activate', true]]);

    assert.equal((await jwks()).body.keys.some((k) => k['kid'] === kid), false);
    const refused = await call(titan.url, 'GET', '/v1/admin/keys', undefined, bearer(oldAdmin));
    assert.equal(refused.status, 401);
    assert.equal(refused.body['error'], 'invalid_token');
    const fresh = await adminToken(titan.url, titan.issuer, adminKey);
    assert.notEqual(decodeProtectedHeader(fresh).kid, kid);
    const listed = await call<KeyList>(titan.url, 'GET', '/v1/admin/keys', undefined, bearer(fresh));
    assert.deepEqual(listed.body.items.map((k) => [k['kid'] === kid, k['state']]), [[true, 'revoked'], [false, 'active']]);
    assert.equal((await call(titan.url, 'POST', `/v1/admin/keys/${kid}/revoke`, { reason: 'again' }, bearer(fresh))).status, 404);
    assert.equal((await call(titan.url, 'POST', '/v1/admin/keys/not-a-kid/revoke', { reason: 'x' }, bearer(fresh))).status, 400);
  });
});

describe('signing-key schedule at start-up', () => {
  it('refuses a rotation period a token could outlive, naming TITAN_KEY_ROTATION_DAYS', async () => {
    const data = tempDataDir();
    try {
      const { code, output } = await runToExit({ TITAN_DATA_DIR: data.dir, TITAN_KEY_ROTATION_DAYS: '1', TITAN_USER_TOKEN_TTL_SECONDS: '86400' });
      assert.notEqual(code, 0);
      assert.match(output, /configuration error: TITAN_KEY_ROTATION_DAYS: a rotation period of 86400 s is too short/);
    } finally {
      data.remove();
    }
  });
});

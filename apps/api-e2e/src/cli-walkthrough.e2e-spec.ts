import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { startTitan, tempDataDir, type TitanProcess } from './support/titan-process';

const CLI_MAIN = resolve(__dirname, '../../cli/dist/main.js');
const run = promisify(execFile);

/** Runs `titan ...` as a newcomer would; resolves with stdout, rejects with the exit code and stderr. */
async function titan(args: string[], env: Record<string, string> = {}): Promise<string> {
  const { stdout } = await run(process.execPath, [CLI_MAIN, ...args], { env: { PATH: process.env['PATH'] ?? '', ...env } });
  return stdout;
}

async function titanFails(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stderr: string }> {
  try {
    await titan(args, env);
  } catch (error) {
    const e = error as { code: number; stderr: string };
    return { code: e.code, stderr: e.stderr };
  }
  throw new Error(`titan ${args.join(' ')} succeeded but should have failed`);
}

/** The README's five-minute walkthrough, command for command, against the real server. */
describe('README walkthrough with the titan CLI', () => {
  const work = tempDataDir();
  const data = work.dir;
  const file = (name: string) => join(work.dir, name);
  let server: TitanProcess;
  let url: Record<string, string>;

  before(async () => {
    // 1. An admin key pair: private JWK in a 0600 file, public JWK on stdout.
    const adminPublic = await titan(['keygen', '--out', file('admin.key.json')]);
    assert.equal(JSON.parse(adminPublic)['d'], undefined);
    assert.equal(statSync(file('admin.key.json')).mode & 0o777, 0o600);
    // 2. Start Titan, bootstrapping the admin from its public key.
    server = await startTitan({ TITAN_DATA_DIR: data, TITAN_BOOTSTRAP_ADMIN_JWK: adminPublic });
    url = { TITAN_URL: server.url };
  });
  after(async () => {
    await server?.stop();
    work.remove();
  });

  it('registers a service, gets a token by handshake and verifies it offline', async () => {
    // 3. A service key and identity, the CLI authenticating as admin by handshake.
    await titan(['keygen', '--out', file('billing.key.json')]);
    const created = JSON.parse(await titan(['identities', 'create', 'billing-api', '--public-key', file('billing.key.json'),
      '--scope', 'billing:read', '--audience', 'https://billing.internal', '--admin-key', file('admin.key.json'), '--json'], url));
    assert.equal(created.id, 'billing-api');
    // 4. The service proves possession and gets a token.
    const token = (await titan(['token', '--identity', 'billing-api', '--key', file('billing.key.json')], url)).trim();
    assert.match(token, /^[\w-]+\.[\w-]+\.[\w-]+$/);
    // 5. Anyone verifies it offline against the JWKS.
    const verified = await titan(['verify', token, '--audience', 'https://billing.internal'], url);
    assert.match(verified, /^valid: sub=billing-api client_id=billing-api scope="billing:read" aud=https:\/\/billing\.internal/);
    const wrongAudience = await titanFails(['verify', token, '--audience', 'https://elsewhere'], url);
    assert.equal(wrongAudience.code, 1);
    assert.match(wrongAudience.stderr, /invalid_token/);
  });

  it('lists, gets and revokes identities; a revoked service gets no token', async () => {
    const admin = ['--admin-key', file('admin.key.json')];
    const list = JSON.parse(await titan(['identities', 'list', '--json', ...admin], url));
    assert.deepEqual(list.items.map((i: { id: string }) => i.id), ['admin', 'billing-api']);
    await titan(['identities', 'revoke', 'billing-api', '--reason', 'decommissioned', ...admin], url);
    const got = JSON.parse(await titan(['identities', 'get', 'billing-api', '--json', ...admin], url));
    assert.equal(got.status, 'revoked');
    const refused = await titanFails(['token', '--identity', 'billing-api', '--key', file('billing.key.json')], url);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /invalid_proof/);
  });

  it('bootstraps the admin directly in a stopped embedded store', async () => {
    const other = join(work.dir, 'data-2');
    const adminPublic = await titan(['keygen', '--out', file('admin2.key.json')]);
    assert.match(await titan(['admin', 'bootstrap', '--public-key', file('admin2.key.json'), '--data-dir', other, '--json']), /"created"/);
    assert.match(await titan(['admin', 'bootstrap', '--public-key', file('admin2.key.json'), '--data-dir', other, '--json']), /"already_present"/);
    const second = await startTitan({ TITAN_DATA_DIR: other });
    try {
      const listed = JSON.parse(await titan(['identities', 'list', '--json', '--admin-key', file('admin2.key.json')], { TITAN_URL: second.url }));
      assert.equal(listed.items[0].keys[0].jwk.x, JSON.parse(adminPublic).x);
      const locked = await titanFails(['admin', 'bootstrap', '--public-key', file('admin2.key.json'), '--data-dir', other]);
      assert.equal(locked.code, 1, 'a running server holds the embedded store');
    } finally {
      await second.stop();
    }
  });
});

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../run-cli';

async function cli(args: string[], env: Record<string, string> = {}) {
  let out = '';
  let err = '';
  const code = await runCli(args, { stdout: (t) => void (out += t), stderr: (t) => void (err += t), env });
  return { code, out, err };
}

describe('titan config check', () => {
  it('accepts the embedded defaults and prints the effective settings', async () => {
    const result = await cli(['config', 'check'], { TITAN_DATA_DIR: '/srv/titan' });
    assert.equal(result.code, 0, result.err);
    assert.match(result.out, /^configuration ok\n/);
    assert.match(result.out, /mode +embedded \(\/srv\/titan\)/);
  });

  it('refuses what the server refuses, naming the variable, exit 1', async () => {
    const result = await cli(['config', 'check'], { TITAN_ISSUER: 'https://auth.example.com/' });
    assert.equal(result.code, 1);
    assert.match(result.err, /^titan: configuration_error: TITAN_ISSUER: /);
    const production = await cli(['config', 'check'], { DATABASE_URL: 'postgres://db/titan' });
    assert.equal(production.code, 1);
    assert.match(production.err, /TITAN_KEK/);
  });

  it('reads a dotenv file and never prints its secrets', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'titan-config-'));
    try {
      const kek = 'k'.repeat(43);
      const file = join(dir, 'prod.env');
      writeFileSync(file, `DATABASE_URL=postgres://titan:s3cret-pass@db:5432/titan\nTITAN_KEK=${kek}\nTITAN_SECRET_PEPPER=${'p'.repeat(43)}\n`);
      const result = await cli(['config', 'check', '--env-file', file, '--json']);
      assert.equal(result.code, 0, result.err);
      const summary = JSON.parse(result.out);
      assert.equal(summary.mode, 'production (PostgreSQL)');
      assert.ok(!result.out.includes(kek) && !result.out.includes('s3cret-pass'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('answers usage errors with exit 2', async () => {
    assert.equal((await cli(['config'])).code, 2);
    assert.equal((await cli(['config', 'validate'])).code, 2);
  });
});

import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { thumbprintInput, type EcPublicJwk } from '@titan/domain';
import { runCli } from '../run-cli';
import { bootstrapAdmin } from './bootstrap-admin';

const dir = mkdtempSync(join(process.env['TITAN_TEST_SCRATCH'] ?? tmpdir(), 'titan-bootstrap-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const newJwk = (): EcPublicJwk => {
  const { kty, crv, x, y } = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'jwk' });
  return { kty, crv, x, y } as EcPublicJwk;
};

async function cli(argv: string[], env: Record<string, string> = {}) {
  let out = '';
  let err = '';
  const code = await runCli(argv, { stdout: (s) => void (out += s), stderr: (s) => void (err += s), env });
  return { code, out, err };
}

// Loaded lazily, as the CLI itself does.
const openStore = async (dataDir: string) => (await import('@titan/adapter-persistence')).createPersistence({ dataDir });

describe('titan admin bootstrap (embedded store)', () => {
  it('creates the admin once and never replaces it', async () => {
    const dataDir = join(dir, 'data');
    const first = newJwk();
    const keyFile = join(dir, 'admin.pub.json');
    writeFileSync(keyFile, JSON.stringify(first));
    const created = await cli(['admin', 'bootstrap', '--public-key', keyFile, '--data-dir', dataDir]);
    assert.equal(created.code, 0, created.err);
    assert.match(created.out, /created/);

    assert.equal(await bootstrapAdmin(newJwk(), { dataDir }), 'already_present');
    const again = await cli(['admin', 'bootstrap', '--public-key', keyFile, '--json'], { TITAN_DATA_DIR: dataDir });
    assert.equal(again.code, 0, again.err);
    assert.deepEqual(JSON.parse(again.out), { outcome: 'already_present' });

    const persistence = await openStore(dataDir);
    try {
      const admin = await persistence.identities.findById('admin');
      assert.ok(admin);
      assert.deepEqual([...admin.scopes].sort(), ['titan:admin', 'titan:introspect']);
      assert.equal(admin.keys.length, 1);
      assert.equal(admin.keys[0]!.thumbprint, createHash('sha256').update(thumbprintInput(first)).digest('base64url'));
    } finally {
      await persistence.close();
    }
  });

  it('refuses a data directory held by a running server', async () => {
    const dataDir = join(dir, 'busy');
    const persistence = await openStore(dataDir);
    try {
      await assert.rejects(bootstrapAdmin(newJwk(), { dataDir }), { code: 'data_dir_locked' });
    } finally {
      await persistence.close();
    }
  });
});

import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KeyEncryption } from './key-encryption';
import { generateKeyEncryptionKey, loadKeyEncryptionKey } from './key-encryption-key.loader';

const scratch = mkdtempSync(join(process.env['TITAN_TEST_SCRATCH'] ?? tmpdir(), 'titan-kek-'));
after(() => rmSync(scratch, { recursive: true, force: true }));
const privateJwk = { kty: 'EC', crv: 'P-256', x: 'x-member', y: 'y-member', d: 'secret-scalar-value' };

describe('KeyEncryption', () => {
  const kek = randomBytes(32);

  it('round-trips a private JWK, bound to its kid, with a fresh IV each time', () => {
    const enc = new KeyEncryption(kek);
    const a = enc.encrypt('kid-1', privateJwk);
    const b = enc.encrypt('kid-1', privateJwk);
    assert.notEqual(a, b);
    assert.match(a, /^v1\.[A-Za-z0-9_-]{8}\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{22}$/);
    assert.equal(a.includes('secret-scalar-value'), false);
    assert.deepEqual(new KeyEncryption(Uint8Array.from(kek)).decrypt('kid-1', a), privateJwk);
  });

  it('refuses another kid, a tampered envelope, another KEK and other versions', () => {
    const enc = new KeyEncryption(kek);
    const envelope = enc.encrypt('kid-1', privateJwk);
    assert.throws(() => enc.decrypt('kid-2', envelope), /could not be decrypted/);
    const parts = envelope.split('.');
    const ct = Buffer.from(parts[3]!, 'base64url');
    ct[0]! ^= 1;
    const tampered = [...parts.slice(0, 3), ct.toString('base64url'), parts[4]].join('.');
    assert.throws(() => enc.decrypt('kid-1', tampered), /could not be decrypted/);
    assert.throws(() => new KeyEncryption(randomBytes(32)).decrypt('kid-1', envelope), /different key-encryption key/);
    assert.throws(() => enc.decrypt('kid-1', envelope.replace(/^v1/, 'v2')), /unsupported/);
    assert.throws(() => enc.decrypt('kid-1', `${envelope}.x`), /unsupported/);
    assert.throws(() => enc.decrypt('kid-1', [...parts.slice(0, 4), 'AAAA'].join('.')), /malformed/);
  });

  it('needs a 32-byte key', () => {
    assert.throws(() => new KeyEncryption(randomBytes(16)));
  });
});

describe('loadKeyEncryptionKey', () => {
  it('takes TITAN_KEK when set, and validates it without echoing it', async () => {
    const text = generateKeyEncryptionKey();
    assert.deepEqual(Buffer.from(await loadKeyEncryptionKey({ kekEnv: text, dataDir: join(scratch, 'unused') })), Buffer.from(text, 'base64url'));
    const short = randomBytes(31).toString('base64url');
    for (const bad of ['', short, `${text}=`, randomBytes(32).toString('base64'), `${text.slice(0, 42)}!`, `${text}A`]) {
      await assert.rejects(loadKeyEncryptionKey({ kekEnv: bad }), (e: Error) => {
        assert.match(e.message, /TITAN_KEK must be 32 random bytes/);
        if (bad.length > 0) assert.equal(e.message.includes(bad), false);
        return true;
      });
    }
  });

  it('creates <dataDir>/kek with mode 0600 once and then reuses it', async () => {
    const dir = join(scratch, 'embedded');
    const [first, racing] = await Promise.all([loadKeyEncryptionKey({ dataDir: dir }), loadKeyEncryptionKey({ dataDir: dir })]);
    assert.equal(first.length, 32);
    assert.deepEqual(racing, first);
    assert.equal(statSync(join(dir, 'kek')).mode & 0o777, 0o600);
    assert.equal(readFileSync(join(dir, 'kek'), 'utf8').trim(), Buffer.from(first).toString('base64url'));
    assert.deepEqual(await loadKeyEncryptionKey({ dataDir: dir }), first);
  });

  it('refuses a kek file readable by others, a symlink, or bad contents', async () => {
    const wide = join(scratch, 'wide');
    await loadKeyEncryptionKey({ dataDir: wide });
    chmodSync(join(wide, 'kek'), 0o640);
    await assert.rejects(loadKeyEncryptionKey({ dataDir: wide }), /mode 0640 is wider than 0600/);

    const linked = join(scratch, 'linked');
    await loadKeyEncryptionKey({ dataDir: join(scratch, 'target') });
    await loadKeyEncryptionKey({ dataDir: linked }).then(() => rmSync(join(linked, 'kek')));
    symlinkSync(join(scratch, 'target', 'kek'), join(linked, 'kek'));
    await assert.rejects(loadKeyEncryptionKey({ dataDir: linked }), /cannot open/);

    const garbage = join(scratch, 'garbage');
    await loadKeyEncryptionKey({ dataDir: garbage });
    writeFileSync(join(garbage, 'kek'), 'not a key\n', { mode: 0o600 });
    await assert.rejects(loadKeyEncryptionKey({ dataDir: garbage }), /kek must be 32 random bytes/);
  });

  it('says what to configure when there is neither', async () => {
    await assert.rejects(loadKeyEncryptionKey({}), /set TITAN_KEK/);
  });
});

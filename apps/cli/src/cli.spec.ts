import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EcPublicJwk } from '@titan/domain';
import { runCli } from './run-cli';
import { startFakeTitan, type FakeTitan } from './testing/fake-titan.test-helper';

const dir = mkdtempSync(join(process.env['TITAN_TEST_SCRATCH'] ?? tmpdir(), 'titan-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));

async function cli(argv: string[], env: Record<string, string> = {}) {
  let out = '';
  let err = '';
  const code = await runCli(argv, { stdout: (s) => void (out += s), stderr: (s) => void (err += s), env });
  return { code, out, err };
}

const file = (name: string, content: string | Buffer) => {
  const path = join(dir, name);
  writeFileSync(path, content, { mode: 0o600 });
  return path;
};
const publicJwkOf = (key: KeyObject): EcPublicJwk => {
  const { kty, crv, x, y } = (key.type === 'public' ? key : createPublicKey(key)).export({ format: 'jwk' });
  return { kty, crv, x, y } as EcPublicJwk;
};

describe('titan keygen', () => {
  it('writes the private JWK with mode 0600 and prints the public JWK without d', async () => {
    const out = join(dir, 'svc.jwk');
    const r = await cli(['keygen', '--out', out]);
    assert.equal(r.code, 0, r.err);
    assert.equal(statSync(out).mode & 0o777, 0o600);
    const priv = JSON.parse(readFileSync(out, 'utf8'));
    const pub = JSON.parse(r.out);
    assert.equal(typeof priv.d, 'string');
    assert.equal('d' in pub, false);
    assert.ok(!r.out.includes(priv.d) && !r.err.includes(priv.d));
    assert.deepEqual([pub.kty, pub.crv, pub.x, pub.y], ['EC', 'P-256', priv.x, priv.y]);
  });

  it('refuses to overwrite unless --force, which keeps mode 0600', async () => {
    const out = file('existing.jwk', 'keep me');
    const r = await cli(['keygen', '--out', out]);
    assert.equal(r.code, 1);
    assert.match(r.err, /already exists.*--force/);
    assert.equal(readFileSync(out, 'utf8'), 'keep me');
    const forced = await cli(['keygen', '--out', out, '--force']);
    assert.equal(forced.code, 0, forced.err);
    assert.equal(JSON.parse(readFileSync(out, 'utf8')).kty, 'EC');
    assert.equal(statSync(out).mode & 0o777, 0o600);
  });
});

describe('titan usage', () => {
  it('exits 2 with a one-line reason on usage errors', async () => {
    const cases = [
      [],
      ['bogus'],
      ['keygen'],
      ['keygen', '--out', 'x', '--nope'],
      ['token', '--key', 'k'],
      ['token', '--identity', 'Not Valid', '--key', 'k'],
      ['identities'],
      ['identities', 'frobnicate'],
      ['identities', 'create'],
      ['identities', 'get', 'a', 'b'],
      ['identities', 'list', '--reason', 'x'],
      ['identities', 'list', '--limit', 'ten', '--admin-key', 'k'],
      ['identities', 'revoke', 'billing', '--admin-key', 'k'],
      ['identities', 'list'],
      ['admin'],
      ['admin', 'bootstrap'],
    ];
    for (const argv of cases) {
      const r = await cli(argv);
      assert.equal(r.code, 2, `${argv.join(' ')}: ${r.err}`);
      if (argv.length > 0) assert.match(r.err, /^titan: .+\nRun "titan .*--help" for usage\.\n$/, argv.join(' '));
    }
  });

  it('prints help for titan and every command', async () => {
    const main = await cli(['--help']);
    assert.equal(main.code, 0);
    assert.match(main.out, /Usage: titan <command>/);
    for (const command of ['keygen', 'token', 'identities', 'admin']) {
      const r = await cli([command, '--help']);
      assert.equal(r.code, 0);
      assert.match(r.out, new RegExp(`Usage: titan ${command}`));
      assert.equal((await cli(['help', command])).out, r.out);
    }
  });

  it('runs as an executable with the documented exit codes', () => {
    const bin = join(__dirname, 'main.js');
    const help = spawnSync(bin, ['--help'], { encoding: 'utf8' });
    assert.equal(help.status, 0, help.stderr);
    assert.match(help.stdout, /Exit status/);
    assert.equal(spawnSync(bin, ['bogus'], { encoding: 'utf8' }).status, 2);
  });
});

describe('public key files', () => {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const expected = publicJwkOf(publicKey);
  let titan: FakeTitan;
  let adminKey: string;

  before(async () => {
    titan = await startFakeTitan();
    const admin = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    titan.addIdentity('admin', publicJwkOf(admin.publicKey), ['titan:admin', 'titan:introspect']);
    adminKey = file('admin-key.pem', admin.privateKey.export({ format: 'pem', type: 'pkcs8' }));
  });
  after(() => titan.close());

  // `add-key` sends exactly the converted JWK, so the fake server shows what the CLI read.
  let n = 0;
  async function convert(content: string | Buffer) {
    const id = `svc-${++n}`;
    titan.addIdentity(id, expected, []);
    const r = await cli(['identities', 'add-key', id, '--public-key', file(`pub-${n}`, content), '--admin-key', adminKey, '--url', titan.url, '--json']);
    return { ...r, sent: titan.bodies.at(-1)?.body as { publicKey?: Record<string, string> } | undefined };
  }

  it('converts PEM and DER SPKI, private PEM, private JWK (dropping d) and raw points', async () => {
    const spkiDer = publicKey.export({ format: 'der', type: 'spki' });
    const uncompressed = spkiDer.subarray(spkiDer.length - 65);
    const compressed = Buffer.concat([Buffer.from([2 + (uncompressed[64]! & 1)]), uncompressed.subarray(1, 33)]);
    const compressedSpki = Buffer.concat([Buffer.from('3039301306072a8648ce3d020106082a8648ce3d030107032200', 'hex'), compressed]);
    const jwk = privateKey.export({ format: 'jwk' });
    const inputs: [string, string | Buffer][] = [
      ['PEM SPKI', publicKey.export({ format: 'pem', type: 'spki' })],
      ['DER SPKI', spkiDer],
      ['DER SPKI, compressed point', compressedSpki],
      ['PEM private key', privateKey.export({ format: 'pem', type: 'sec1' })],
      ['public JWK', JSON.stringify({ ...expected, kid: 'mine', alg: 'ES256' })],
      ['private JWK', JSON.stringify(jwk)],
      ['raw compressed point', compressed],
      ['hex uncompressed point', uncompressed.toString('hex')],
    ];
    for (const [what, content] of inputs) {
      const r = await convert(content);
      assert.equal(r.code, 0, `${what}: ${r.err}`);
      assert.deepEqual(r.sent?.publicKey, expected, what);
      assert.ok(!JSON.stringify(titan.bodies).includes(jwk.d!), `${what}: d was sent`);
    }
  });

  it('refuses keys that are not P-256, naming what was found', async () => {
    const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' }).publicKey;
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey;
    const ed = generateKeyPairSync('ed25519').publicKey;
    const before = titan.bodies.length;
    for (const [content, pattern] of [
      [p384.export({ format: 'pem', type: 'spki' }), /EC secp384r1/],
      [JSON.stringify(p384.export({ format: 'jwk' })), /EC P-384/],
      [rsa.export({ format: 'pem', type: 'spki' }), /RSA/],
      [ed.export({ format: 'pem', type: 'spki' }), /ED25519/],
      ['not a key', /not a readable public key/],
    ] as const) {
      const r = await cli(['identities', 'create', 'svc-bad', '--public-key', file('bad', content), '--admin-key', adminKey, '--url', titan.url]);
      assert.equal(r.code, 1);
      assert.match(r.err, pattern);
    }
    assert.equal(titan.bodies.length, before, 'nothing reached the server');
  });
});

describe('titan token and identities against a fake Titan', () => {
  let titan: FakeTitan;
  let adminKey: string;
  let svcKey: string;
  const admin = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const svc = generateKeyPairSync('ec', { namedCurve: 'P-256' });

  before(async () => {
    titan = await startFakeTitan();
    titan.addIdentity('admin', publicJwkOf(admin.publicKey), ['titan:admin', 'titan:introspect']);
    titan.addIdentity('reader', publicJwkOf(svc.publicKey), ['reports:read']);
    adminKey = file('admin.jwk', JSON.stringify(admin.privateKey.export({ format: 'jwk' })));
    svcKey = file('svc.pem', svc.privateKey.export({ format: 'pem', type: 'pkcs8' }));
  });
  after(() => titan.close());

  it('token prints the access token, or the whole answer with --json', async () => {
    const r = await cli(['token', '--identity', 'reader', '--key', svcKey], { TITAN_URL: titan.url });
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /^tok-[0-9a-f]+\n$/);
    const j = await cli(['token', '--identity', 'reader', '--key', svcKey, '--url', titan.url, '--scope', 'reports:read', '--json']);
    assert.equal(j.code, 0, j.err);
    assert.deepEqual(Object.keys(JSON.parse(j.out)).sort(), ['access_token', 'expires_in', 'scope', 'token_type']);
    assert.equal(titan.bodies.filter((b) => b.url === '/v1/zkp/challenge').at(-1)?.body && (titan.bodies.filter((b) => b.url === '/v1/zkp/challenge').at(-1)!.body as { scope: string }).scope, 'reports:read');
  });

  it('token exits 1 with the server error code on a failed proof or a refused scope', async () => {
    const wrongKey = await cli(['token', '--identity', 'reader', '--key', adminKey, '--url', titan.url]);
    assert.equal(wrongKey.code, 1);
    assert.equal(wrongKey.out, '');
    assert.match(wrongKey.err, /^titan: invalid_proof: .*\(HTTP 401\)\n$/);
    const relayed = await cli(['token', '--identity', 'reader', '--key', svcKey, '--url', titan.url, '--issuer', 'https://real-titan.example']);
    assert.match(relayed.err, /invalid_proof/);
    const scope = await cli(['token', '--identity', 'reader', '--key', svcKey, '--url', titan.url, '--scope', 'reports:write']);
    assert.equal(scope.code, 1);
    assert.match(scope.err, /^titan: invalid_scope: a requested scope is not allowed for this identity \(HTTP 400\)\n$/);
  });

  it('identities create / get / list / revoke / retire-key as the admin', async () => {
    const env = { TITAN_URL: titan.url, TITAN_ADMIN_KEY: adminKey };
    const newKey = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const pubFile = file('billing.pub.pem', newKey.publicKey.export({ format: 'pem', type: 'spki' }));
    const created = await cli(['identities', 'create', 'billing', '--public-key', pubFile, '--scope', 'invoices:read invoices:write', '--scope', 'x', '--audience', 'billing-api'], env);
    assert.equal(created.code, 0, created.err);
    assert.match(created.out, /^billing \(active\)\n {2}scopes: +invoices:read invoices:write x\n {2}audiences: +billing-api\n/);
    const createBody = titan.bodies.findLast((b) => b.url === '/v1/identities')?.body;
    assert.deepEqual(createBody, {
      id: 'billing', publicKey: publicJwkOf(newKey.publicKey), scopes: ['invoices:read', 'invoices:write', 'x'], audiences: ['billing-api'],
    });
    const adminChallenge = titan.bodies.findLast((b) => b.url === '/v1/zkp/challenge')?.body;
    assert.deepEqual(adminChallenge, { identityId: 'admin', audience: titan.url, scope: 'titan:admin' });

    const got = await cli(['identities', 'get', 'billing', '--json'], env);
    assert.equal(got.code, 0, got.err);
    assert.equal(JSON.parse(got.out).id, 'billing');

    const listed = await cli(['identities', 'list', '--limit', '1', '--all'], env);
    assert.equal(listed.code, 0, listed.err);
    assert.match(listed.out, /^ID +STATUS +SCOPES\nadmin +active +titan:admin titan:introspect\nbilling +active/);
    const page = await cli(['identities', 'list', '--limit', '1'], env);
    assert.match(page.out, /\(more: --cursor 1\)/);

    const last = await cli(['identities', 'retire-key', 'billing', 'nope'], env);
    assert.equal(last.code, 1);
    assert.match(last.err, /^titan: conflict: cannot retire the last key \(HTTP 409\)\n$/);
    // A thumbprint may start with "-": it reaches the server instead of being taken for an option.
    const dashed = await cli(['identities', 'retire-key', 'billing', `-${'A'.repeat(42)}`], env);
    assert.equal(dashed.code, 1, dashed.err);
    assert.match(dashed.err, /conflict/);

    const revoked = await cli(['identities', 'revoke', 'billing', '--reason', 'decommissioned'], env);
    assert.equal(revoked.code, 0, revoked.err);
    assert.match(revoked.out, /billing \(revoked\)[\s\S]*revoked: .*\(decommissioned\)/);

    const missing = await cli(['identities', 'get', 'ghost'], env);
    assert.equal(missing.code, 1);
    assert.match(missing.err, /not_found/);
  });

  it('identities reports a caller without titan:admin as insufficient_scope', async () => {
    const r = await cli(['identities', 'list', '--admin-id', 'reader', '--admin-key', svcKey, '--url', titan.url]);
    assert.equal(r.code, 1);
    assert.match(r.err, /invalid_scope|insufficient_scope/);
  });
});

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from '../run-cli';

async function cli(argv: string[], env: Record<string, string> = {}) {
  let out = '';
  let err = '';
  const code = await runCli(argv, { stdout: (s) => void (out += s), stderr: (s) => void (err += s), env });
  return { code, out, err };
}

// The store itself is exercised end to end by apps/api-e2e (audit.e2e-spec): here, what is refused before it is opened.
describe('titan audit', () => {
  it('prints its help', async () => {
    for (const argv of [['audit', '--help'], ['help', 'audit'], ['audit', 'help']]) {
      const r = await cli(argv);
      assert.equal(r.code, 0);
      assert.match(r.out, /^Usage: titan audit verify/);
      assert.match(r.out, /--expect-head SEQ:HASH/);
    }
    assert.match((await cli(['--help'])).out, /audit\s+verify the audit log/);
  });

  it('refuses bad arguments with exit status 2 before opening any store', async () => {
    for (const argv of [
      ['audit'], ['audit', 'list'], ['audit', 'verify', 'extra'], ['audit', 'verify', '--expect-head', 'latest'],
      ['audit', 'verify', '--expect-head', `0:${'a'.repeat(64)}`], ['audit', 'verify', '--expect-head', `3:${'a'.repeat(63)}`],
      ['audit', 'verify', '--expect-at-least', '-1'], ['audit', 'verify', '--expect-at-least', 'many'],
      ['audit', 'verify', '--database-schema', 'Bad"Schema'], ['audit', 'verify', '--url', 'http://x'],
    ]) {
      const r = await cli(argv);
      assert.equal(r.code, 2, `${argv.join(' ')}: ${r.err}`);
      assert.match(r.err, /Run "titan audit --help"/, argv.join(' '));
    }
  });

  it('says the database cannot be opened, with exit status 1', async () => {
    const r = await cli(['audit', 'verify', '--database-url', 'postgres://postgres@127.0.0.1:1/none']);
    assert.equal(r.code, 1);
    assert.match(r.err, /^titan: unavailable: cannot open the database in DATABASE_URL/);
  });
});

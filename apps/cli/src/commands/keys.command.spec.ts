import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from '../run-cli';

async function cli(argv: string[]) {
  let out = '';
  let err = '';
  const code = await runCli(argv, { stdout: (s) => void (out += s), stderr: (s) => void (err += s), env: {} });
  return { code, out, err };
}

describe('titan keys (usage; the server side runs in apps/api-e2e key-rotation.e2e-spec)', () => {
  it('prints its help', async () => {
    for (const argv of [['keys', '--help'], ['help', 'keys']]) {
      const r = await cli(argv);
      assert.equal(r.code, 0);
      assert.match(r.out, /titan keys <subcommand>[\s\S]*rotate[\s\S]*revoke KID --reason R/);
    }
  });

  it('takes a kid starting with "-" as the kid, not as an option', async () => {
    const r = await cli(['keys', 'revoke', `-${'A'.repeat(42)}`]);
    assert.equal(r.code, 2);
    assert.match(r.err, /--reason is required/);
  });

  it('refuses bad arguments with exit 2 before contacting any server', async () => {
    const kid = 'A'.repeat(43);
    for (const argv of [
      ['keys'], ['keys', 'spin'], ['keys', 'rotate', '--alg', 'HS256'], ['keys', 'rotate', '--reason', 'x'],
      ['keys', 'revoke'], ['keys', 'revoke', 'short', '--reason', 'x'], ['keys', 'revoke', kid], ['keys', 'list', 'extra'],
      ['keys', 'list'], // no admin key
    ]) {
      const r = await cli(argv);
      assert.equal(r.code, 2, `${argv.join(' ')}: ${r.err}`);
      assert.match(r.err, /^titan: .*\nRun "titan keys --help"/);
    }
  });
});

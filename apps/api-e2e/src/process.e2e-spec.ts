import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { runToExit, startTitan, tempDataDir, type TitanProcess } from './support/titan-process';

/** Start-up behaviour: configuration is validated, and one embedded data directory has one owner. */
describe('server process', () => {
  const bad: Array<[Record<string, string>, string]> = [
    [{ TITAN_ISSUER: 'http://localhost:8000/' }, 'TITAN_ISSUER'],
    [{ TITAN_CHALLENGE_TTL_SECONDS: '0' }, 'TITAN_CHALLENGE_TTL_SECONDS'],
    [{ PORT: 'http' }, 'PORT'],
    [{ DATABASE_URL: 'postgres://127.0.0.1/test' }, 'TITAN_KEK'],
    [{ TITAN_BOOTSTRAP_ADMIN_JWK: '{"kty":"EC"' }, 'TITAN_BOOTSTRAP_ADMIN_JWK'],
  ];
  for (const [env, variable] of bad) {
    it(`refuses to start with a bad ${variable}, naming it on stderr`, async () => {
      const data = tempDataDir();
      try {
        const { code, output } = await runToExit({ ...env, TITAN_DATA_DIR: data.dir });
        assert.notEqual(code, 0);
        assert.match(output, new RegExp(`configuration error: ${variable}`));
      } finally {
        data.remove();
      }
    });
  }

  describe('embedded data directory lock', () => {
    const data = tempDataDir();
    let first: TitanProcess;
    before(async () => {
      first = await startTitan({ TITAN_DATA_DIR: data.dir });
    });
    after(async () => {
      await first?.stop();
      data.remove();
    });

    it('refuses a second process on the same data directory', async () => {
      const { code, output } = await runToExit({ TITAN_DATA_DIR: data.dir, PORT: '0' });
      assert.notEqual(code, 0);
      assert.match(output, /lock|in use|already/i);
      assert.equal((await fetch(`${first.url}/health/ready`)).status, 200, 'the first process is unaffected');
    });

    it('runs with the launcher\'s heap sizing: a 1024 MB old space (V8 would size it from the machine\'s memory), 8 MB semi-spaces, 10% heap growth', () => {
      const limit = heapLimitMb(first.output());
      assert.ok(limit >= 1024 && limit < 1200, `heap limit ${limit} MB`);
      const flags = readFileSync(`/proc/${first.process.pid}/cmdline`, 'utf8').split('\0');
      assert.ok(flags.includes('--max-semi-space-size=8') && flags.includes('--heap-growing-percent=10'), flags.join(' '));
    });

    it('runs with glibc\'s malloc thresholds pinned and one malloc arena, by the launcher', () => {
      const env = environmentOf(first);
      assert.equal(env.get('MALLOC_MMAP_THRESHOLD_'), '131072');
      assert.equal(env.get('MALLOC_TRIM_THRESHOLD_'), '131072');
      assert.equal(env.get('MALLOC_ARENA_MAX'), '1');
    });
  });

  it('leaves the heap sizing to NODE_OPTIONS and the malloc settings to the environment when they are set', async () => {
    const data = tempDataDir();
    const titan = await startTitan({ TITAN_DATA_DIR: data.dir, NODE_OPTIONS: '--max-old-space-size=512', MALLOC_TRIM_THRESHOLD_: '65536', MALLOC_ARENA_MAX: '4' });
    try {
      const limit = heapLimitMb(titan.output());
      assert.ok(limit >= 512 && limit < 800, `heap limit ${limit} MB`);
      const flags = readFileSync(`/proc/${titan.process.pid}/cmdline`, 'utf8').split('\0');
      assert.ok(!flags.some((f) => f.startsWith('--heap-growing-percent') || f.startsWith('--max-semi-space-size')), flags.join(' '));
      const env = environmentOf(titan);
      assert.equal(env.get('MALLOC_TRIM_THRESHOLD_'), '65536');
      assert.equal(env.get('MALLOC_ARENA_MAX'), '4');
      assert.equal(env.get('MALLOC_MMAP_THRESHOLD_'), '131072', 'the one not set still gets its default');
    } finally {
      await titan.stop();
      data.remove();
    }
  });
});

/** The environment of the server process (the launcher execs Node, so the child's pid is the server's). */
function environmentOf(titan: TitanProcess): Map<string, string> {
  const raw = readFileSync(`/proc/${titan.process.pid}/environ`, 'utf8');
  return new Map(raw.split('\0').filter(Boolean).map((entry) => {
    const at = entry.indexOf('=');
    return [entry.slice(0, at), entry.slice(at + 1)] as [string, string];
  }));
}

/** The heap limit the server reports in its start-up line. */
function heapLimitMb(output: string): number {
  const match = /"heapLimitMb":(\d+)[^\n]*"titan listening"/.exec(output);
  assert.ok(match, `no start-up line with the heap limit in:\n${output}`);
  return Number(match[1]);
}

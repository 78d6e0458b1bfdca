import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { loadConfig } from './config';

/** Every variable `loadConfig` reads, across the embedded and the production shapes of the environment. */
function variablesRead(): string[] {
  const seen = new Set<string>();
  const key = 'A'.repeat(43);
  const shapes: Array<Record<string, string>> = [
    {},
    { DATABASE_URL: 'postgres://db/titan', TITAN_KEK: key, TITAN_SECRET_PEPPER: key, REDIS_URL: 'redis://cache:6379' },
  ];
  for (const shape of shapes) {
    const recording = new Proxy(shape, {
      get(target, name) {
        if (typeof name === 'string') seen.add(name);
        return target[name as string];
      },
    });
    loadConfig(recording);
  }
  return [...seen].sort();
}

function operationsGuide(): string {
  let dir = __dirname;
  while (!existsSync(join(dir, 'pnpm-workspace.yaml'))) dir = dirname(dir);
  return readFileSync(join(dir, 'docs', 'operations.md'), 'utf8');
}

describe('configuration documentation', () => {
  it('documents every variable the server reads in docs/operations.md, with a default and a meaning', () => {
    const guide = operationsGuide();
    const read = variablesRead();
    assert.ok(read.length > 20, `recorded ${read.length} variables`);
    const undocumented = read.filter((name) => !new RegExp(`^\\| \`${name}\` \\| [^|]+ \\| [^|]+`, 'm').test(guide));
    assert.deepEqual(undocumented, [], 'add these to the Configuration table of docs/operations.md');
  });
});

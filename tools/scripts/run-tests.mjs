#!/usr/bin/env node
// Runs every compiled spec (unit, contract and e2e) with node's test runner, then says loudly which
// suites were skipped because a server was not configured.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

const root = new URL('../..', import.meta.url).pathname;
const filter = process.argv[2];

function findSpecs(dir, out = []) {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) findSpecs(path, out);
    else if (/\.(spec|e2e-spec)\.js$/.test(name) && path.includes('/dist/')) out.push(path);
  }
  return out;
}

const specs = ['libs', 'apps', 'tools']
  .flatMap((d) => findSpecs(join(root, d)))
  .filter((f) => !filter || f.includes(filter))
  .sort();
if (specs.length === 0) {
  console.error('no compiled spec files found: run the build first');
  process.exit(1);
}

const scratch = mkdtempSync(join(tmpdir(), 'titan-tests-'));
const tap = join(scratch, 'report.tap');

// One migrated embedded database for the whole run: servers under test start from a copy of it
// instead of paying PGlite's initdb (seconds each, much more on a loaded machine).
const template = join(scratch, 'pglite-template');
const started = Date.now();
const { createPersistence } = createRequire(import.meta.url)(join(root, 'libs/adapters/persistence/dist/index.js'));
await (await createPersistence({ dataDir: template })).close();
console.log(`embedded database template ready in ${Date.now() - started} ms`);
const result = spawnSync(
  process.execPath,
  [
    '--test',
    `--test-concurrency=${process.env.TITAN_TEST_CONCURRENCY ?? 2}`,
    '--test-timeout=180000',
    '--test-reporter=spec', '--test-reporter-destination=stdout',
    '--test-reporter=tap', `--test-reporter-destination=${tap}`,
    ...specs.map((f) => relative(root, f)),
  ],
  { cwd: root, stdio: 'inherit', env: { ...process.env, TITAN_TEST_SCRATCH: scratch, TITAN_TEST_PGLITE_TEMPLATE: template } },
);

const skipped = readFileSync(tap, 'utf8').split('\n').filter((l) => /# SKIP/.test(l));
if (skipped.length > 0) {
  console.log('\n' + '!'.repeat(72));
  console.log(`!! ${skipped.length} test(s) SKIPPED:`);
  for (const line of [...new Set(skipped.map((l) => l.replace(/^.*# SKIP\s*/, '')))]) console.log(`!!   ${line}`);
  console.log('!'.repeat(72));
}
rmSync(scratch, { recursive: true, force: true });
process.exit(result.status ?? 1);

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join, resolve } from 'node:path';
import { ESLint } from 'eslint';

const root = resolve(__dirname, '../../..');

/** Lints `source` as if it were a file at `path`, with the repository's real configuration. */
async function boundaryErrors(path: string, source: string): Promise<string[]> {
  const eslint = new ESLint({ cwd: root });
  const [result] = await eslint.lintText(source, { filePath: join(root, path) });
  return result!.messages.filter((m) => m.ruleId === '@nx/enforce-module-boundaries').map((m) => m.message);
}

const innerLayers = ['libs/domain/src/probe.ts', 'libs/application/src/probe.ts'];
const banned = ['@nestjs/common', 'typeorm', 'pg', 'ioredis', 'piscina', 'class-validator'];

describe('module boundaries (Nx lint)', () => {
  for (const path of innerLayers) {
    for (const pkg of banned) {
      it(`refuses ${pkg} in ${path.split('/')[1]}`, async () => {
        const errors = await boundaryErrors(path, `import * as x from '${pkg}';\nexport const y = x;\n`);
        assert.ok(errors.length > 0, `importing ${pkg} must fail lint`);
      });
    }
  }

  it('refuses the domain importing the application layer, and the application importing an adapter', async () => {
    assert.ok((await boundaryErrors('libs/domain/src/probe.ts', "import { Clock } from '@titan/application';\nexport type C = Clock;\n")).length > 0);
    assert.ok((await boundaryErrors('libs/application/src/probe.ts', "import * as h from '@titan/adapter-http';\nexport const x = h;\n")).length > 0);
  });

  it('accepts the application importing the domain (the check can pass)', async () => {
    assert.deepEqual(await boundaryErrors('libs/application/src/probe.ts', "import { ok } from '@titan/domain';\nexport const x = ok;\n"), []);
  });
});

import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** Test-only: finds the shared Wycheproof vectors (`<repo>/../shared/testdata/wycheproof`). */
export function wycheproofDir(): string {
  let dir = __dirname;
  while (!existsSync(join(dir, 'pnpm-workspace.yaml'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`cannot find the repository root (pnpm-workspace.yaml) above ${__dirname}`);
    dir = parent;
  }
  const vectors = resolve(dir, '..', 'shared', 'testdata', 'wycheproof');
  if (!existsSync(vectors)) {
    throw new Error(`Wycheproof vectors not found at ${vectors}: check out the shared test data next to the repository (CI has it)`);
  }
  return vectors;
}

export function loadWycheproof<T>(file: string): T {
  return JSON.parse(readFileSync(join(wycheproofDir(), file), 'utf8')) as T;
}

export interface JwsVector {
  readonly tcId: number;
  readonly comment: string;
  readonly jws: string;
  readonly result: 'valid' | 'invalid' | 'acceptable';
}

export interface JwsGroup {
  readonly comment: string;
  readonly public?: Record<string, unknown>;
  readonly private?: Record<string, unknown>;
  readonly tests: readonly JwsVector[];
}

export interface JwsFile {
  readonly numberOfTests: number;
  readonly testGroups: readonly JwsGroup[];
}

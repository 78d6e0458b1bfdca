import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** Finds the shared Wycheproof vectors: `<repository>/../shared/testdata/wycheproof`. */
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

interface WycheproofFile<G> {
  readonly numberOfTests: number;
  readonly testGroups: readonly G[];
}

type Verdict = 'valid' | 'invalid' | 'acceptable';

export interface EcdsaVector {
  readonly tcId: number;
  readonly comment: string;
  readonly flags: readonly string[];
  readonly msg: string;
  readonly sig: string;
  readonly result: Verdict;
}

export interface EcdsaGroup {
  readonly publicKey: { readonly wx: string; readonly wy: string };
  readonly publicKeyJwk?: { readonly x: string; readonly y: string };
  readonly tests: readonly EcdsaVector[];
}

export type EcdsaFile = WycheproofFile<EcdsaGroup>;

export interface JwsVector {
  readonly tcId: number;
  readonly comment: string;
  readonly jws: string;
  readonly result: Verdict;
}

export interface JwsGroup {
  readonly comment: string;
  readonly public?: Record<string, unknown>;
  readonly private?: Record<string, unknown>;
  readonly tests: readonly JwsVector[];
}

export type JwsFile = WycheproofFile<JwsGroup>;

#!/usr/bin/env node
/**
 * `pnpm --filter @titan/bench bench [-- options]`: runs the benchmark suite and prints a markdown table.
 *
 *   --duration S      measured seconds per run (default 5)
 *   --warmup S        warm-up seconds per run (default 1)
 *   --concurrency N   concurrent loops (default 50)
 *   --rounds N        alternating A/B rounds (default 3)
 *   --targets a,b     titan-embedded,titan-production,peer,floor (default), also titan-production-piscina, titan-embedded-piscina
 *   --scenarios a,b   handshake,client-credentials,introspect,jwks,verify,handshake-c1 (default: all)
 *   --identities N    identities registered per target (default 50)
 *   --max-ops N       cap on measured operations per run (default 2 000 000)
 *   --json FILE       also write every run as JSON
 *   --cpu-prof DIR    run Titan servers under `node --cpu-prof --cpu-prof-dir DIR`
 *   --node-args-b "…" extra node flags for the titan-*-b targets (A/B of a runtime flag: BENCH_API_MAIN_B = the same build)
 *   --env-b "K=V …"   extra environment for the titan-*-b targets (A/B of a setting: BENCH_API_MAIN_B = the same build)
 *   BENCH_NODE_B=<node binary>  another Node runtime for the titan-*-b targets (A/B of the runtime: BENCH_API_MAIN_B = the same build)
 */
import { writeFileSync } from 'node:fs';
import { markdown } from './report';
import { SCENARIO_NAMES, type ScenarioName } from './scenarios';
import { runSuite } from './suite';
import { TARGET_NAMES, type TargetName } from './targets';

function parse(argv: readonly string[]): Map<string, string> {
  const args = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') continue;
    if (!a.startsWith('--')) throw new Error(`unexpected argument ${a}`);
    const [key, inline] = a.slice(2).split('=', 2) as [string, string | undefined];
    args.set(key, inline ?? argv[++i] ?? '');
  }
  return args;
}

function list<T extends string>(raw: string | undefined, allowed: readonly T[], fallback: readonly T[]): T[] {
  if (!raw) return [...fallback];
  const items = raw.split(',').map((s) => s.trim()).filter(Boolean);
  for (const item of items) if (!(allowed as readonly string[]).includes(item)) throw new Error(`unknown ${item}; one of ${allowed.join(', ')}`);
  return items as T[];
}

function number(raw: string | undefined, fallback: number, min: number, max: number): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < min || n > max) throw new Error(`${raw} must be between ${min} and ${max}`);
  return n;
}

async function main(): Promise<void> {
  const args = parse(process.argv.slice(2));
  const targets = list<TargetName>(args.get('targets'), TARGET_NAMES, ['titan-embedded', 'titan-production', 'peer', 'floor']);
  const profileDir = args.get('cpu-prof');
  const nodeArgs: Partial<Record<TargetName, string[]>> = {};
  if (profileDir) for (const t of targets) if (t.startsWith('titan')) nodeArgs[t] = ['--cpu-prof', '--cpu-prof-dir', profileDir];
  // Node flags for the `titan-*-b` targets only: with BENCH_API_MAIN_B on the same build, a same-run A/B of a runtime flag.
  const nodeArgsB = args.get('node-args-b')?.split(' ').filter(Boolean) ?? [];
  for (const t of targets) if (t.endsWith('-b')) nodeArgs[t] = [...(nodeArgs[t] ?? []), ...nodeArgsB];
  const envB = Object.fromEntries((args.get('env-b')?.split(' ').filter(Boolean) ?? []).map((pair) => {
    const at = pair.indexOf('=');
    if (at <= 0) throw new Error(`--env-b takes K=V pairs, not ${pair}`);
    return [pair.slice(0, at), pair.slice(at + 1)];
  }));
  const env: Partial<Record<TargetName, Record<string, string>>> = {};
  for (const t of targets) if (t.endsWith('-b')) env[t] = envB;
  const suite = await runSuite({
    targets,
    scenarios: list<ScenarioName>(args.get('scenarios'), SCENARIO_NAMES, SCENARIO_NAMES),
    rounds: number(args.get('rounds'), 3, 1, 50),
    durationMs: number(args.get('duration'), 5, 0.5, 600) * 1000,
    warmupMs: number(args.get('warmup'), 1, 0, 60) * 1000,
    concurrency: number(args.get('concurrency'), 50, 1, 1000),
    maxOps: number(args.get('max-ops'), 2_000_000, 1, 10_000_000),
    identities: number(args.get('identities'), 50, 1, 1000),
    nodeArgs,
    env,
    log: (line) => process.stderr.write(`${line}\n`),
  });
  const json = args.get('json');
  if (json) writeFileSync(json, JSON.stringify(suite, null, 2));
  process.stdout.write(`${markdown(suite)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});

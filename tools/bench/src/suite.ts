import { runLoad, type LoadResult } from './load';
import { memory } from './proc';
import { NOT_AVAILABLE, SCENARIOS, type ScenarioName } from './scenarios';
import { makeClients, startTarget, type Target, type TargetName } from './targets';

export interface SuiteOptions {
  readonly targets: readonly TargetName[];
  readonly scenarios: readonly ScenarioName[];
  readonly rounds: number;
  readonly durationMs: number;
  readonly warmupMs: number;
  readonly concurrency: number;
  /** Cap on measured operations per run. */
  readonly maxOps: number;
  /** Identities (clients) registered on every target; loops use them round-robin. */
  readonly identities: number;
  readonly nodeArgs?: Partial<Record<TargetName, readonly string[]>>;
  /** Extra environment per Titan target (e.g. a setting under A/B on the `*-b` targets). */
  readonly env?: Partial<Record<TargetName, Readonly<Record<string, string>>>>;
  readonly log?: (line: string) => void;
}

export interface RunRecord {
  readonly round: number;
  readonly scenario: ScenarioName;
  readonly target: TargetName;
  readonly result: LoadResult | typeof NOT_AVAILABLE;
}

export interface SuiteResult {
  readonly options: Omit<SuiteOptions, 'log'>;
  readonly runs: RunRecord[];
  /** Memory of each server right after start-up and registration (before any load). */
  readonly idle: Partial<Record<TargetName, { rssMb: number; ussMb: number }>>;
}

const PAUSE_BETWEEN_RUNS_MS = 300;

/**
 * Starts every target once, then runs every scenario on every target that supports it, round after
 * round; within a round the order of targets alternates (A B, then B A) so drift on a noisy machine
 * hits both sides. Everything is stopped (and production schemas / Redis keys removed) at the end.
 */
export async function runSuite(options: SuiteOptions): Promise<SuiteResult> {
  const log = options.log ?? (() => undefined);
  const clients = makeClients(options.identities);
  const targets: Target[] = [];
  const runs: RunRecord[] = [];
  const idle: SuiteResult['idle'] = {};
  let interrupted = false;
  const onSignal = (): void => {
    interrupted = true;
  };
  process.once('SIGINT', onSignal);
  try {
    for (const name of options.targets) {
      log(`starting ${name}`);
      const target = await startTarget(name, { clients, nodeArgs: options.nodeArgs?.[name], env: options.env?.[name] });
      targets.push(target);
      idle[name] = memory(target.pid);
    }
    for (let round = 1; round <= options.rounds && !interrupted; round++) {
      for (const scenarioName of options.scenarios) {
        const scenario = SCENARIOS[scenarioName];
        const eligible = targets.filter((t) => scenario.kinds.includes(t.kind));
        const ordered = round % 2 === 0 ? [...eligible].reverse() : eligible;
        for (const target of ordered) {
          if (interrupted) break;
          const prepared = await scenario.prepare(target, options.concurrency);
          if (prepared === NOT_AVAILABLE) {
            runs.push({ round, scenario: scenarioName, target: target.name, result: NOT_AVAILABLE });
            log(`round ${round} ${scenarioName} ${target.name}: not available (404)`);
            continue;
          }
          try {
            const result = await runLoad(prepared.op, {
              concurrency: prepared.concurrency ?? options.concurrency,
              warmupMs: options.warmupMs,
              durationMs: options.durationMs,
              maxOps: options.maxOps,
              serverPid: prepared.inProcess ? undefined : target.pid,
            });
            runs.push({ round, scenario: scenarioName, target: target.name, result });
            const errors = Object.entries(result.errors).map(([k, v]) => `${k}x${v}`).join(' ') || 'no errors';
            if (options.nodeArgs?.[target.name]?.includes('--cpu-prof')) {
              log(`profile window ${target.name} pid ${target.pid}: --from ${result.windowUs[0]} --to ${result.windowUs[1]}`);
            }
            log(
              `round ${round} ${scenarioName} ${target.name}: ${result.opsPerSecond.toFixed(0)}/s, ` +
                `${result.opsPerCpuSecond.toFixed(0)}/CPU-s, p50 ${result.p50Ms.toFixed(2)} p99 ${result.p99Ms.toFixed(2)} ms, ${errors}`,
            );
          } finally {
            prepared.close();
          }
          await new Promise((r) => setTimeout(r, PAUSE_BETWEEN_RUNS_MS));
        }
      }
    }
  } finally {
    process.removeListener('SIGINT', onSignal);
    for (const target of targets) await target.stop();
  }
  const { log: _log, ...rest } = options;
  return { options: rest, runs, idle };
}

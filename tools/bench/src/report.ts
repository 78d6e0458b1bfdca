import type { LoadResult } from './load';
import type { ScenarioName } from './scenarios';
import type { RunRecord, SuiteResult } from './suite';
import type { TargetName } from './targets';

export interface Row {
  readonly scenario: ScenarioName;
  readonly target: TargetName;
  readonly available: boolean;
  readonly rounds: number;
  readonly opsPerSecond: number;
  readonly p50Ms: number;
  readonly p90Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  readonly cpuMsPerOp: number;
  readonly opsPerCpuSecond: number;
  readonly clientCpuMsPerOp: number;
  readonly rssMb: number;
  readonly ussMb: number;
  readonly errors: Readonly<Record<string, number>>;
}

export interface Ratio {
  readonly label: string;
  /** Median over rounds of the per-round ratio (both sides measured in the same round). */
  readonly median: number;
  readonly perRound: number[];
}

export const median = (values: readonly number[]): number => {
  const v = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return NaN;
  const mid = Math.floor(v.length / 2);
  return v.length % 2 ? v[mid]! : (v[mid - 1]! + v[mid]!) / 2;
};

const maxOf = (values: readonly number[]): number => {
  const v = values.filter((x) => Number.isFinite(x));
  return v.length ? Math.max(...v) : NaN;
};

const measured = (runs: readonly RunRecord[]): LoadResult[] =>
  runs.flatMap((r) => (r.result === 'not available' ? [] : [r.result]));

export function summarise(suite: SuiteResult): Row[] {
  const rows: Row[] = [];
  for (const scenario of suite.options.scenarios) {
    for (const target of suite.options.targets) {
      const runs = suite.runs.filter((r) => r.scenario === scenario && r.target === target);
      if (runs.length === 0) continue;
      const results = measured(runs);
      const errors: Record<string, number> = {};
      for (const r of results) for (const [k, v] of Object.entries(r.errors)) errors[k] = (errors[k] ?? 0) + v;
      const m = (f: (r: LoadResult) => number): number => median(results.map(f));
      rows.push({
        scenario,
        target,
        available: results.length > 0,
        rounds: results.length,
        opsPerSecond: m((r) => r.opsPerSecond),
        p50Ms: m((r) => r.p50Ms),
        p90Ms: m((r) => r.p90Ms),
        p99Ms: m((r) => r.p99Ms),
        maxMs: m((r) => r.maxMs),
        cpuMsPerOp: m((r) => r.cpuSecondsPerOp * 1000),
        opsPerCpuSecond: m((r) => r.opsPerCpuSecond),
        clientCpuMsPerOp: m((r) => r.clientCpuSecondsPerOp * 1000),
        rssMb: maxOf(results.map((r) => r.memory?.rssMb ?? NaN)),
        ussMb: maxOf(results.map((r) => r.memory?.ussMb ?? NaN)),
        errors,
      });
    }
  }
  return rows;
}

/** Pairs compared per CPU-second of the server, each pair measured in the same round. */
const RATIO_PAIRS: ReadonlyArray<readonly [string, ScenarioName, TargetName, ScenarioName, TargetName]> = [
  ['handshake: Titan production / floor', 'handshake', 'titan-production', 'handshake', 'floor'],
  ['handshake: Titan embedded / floor', 'handshake', 'titan-embedded', 'handshake', 'floor'],
  ['private_key_jwt: Titan production / node-oidc-provider', 'client-credentials', 'titan-production', 'client-credentials', 'peer'],
  ['private_key_jwt: Titan embedded / node-oidc-provider', 'client-credentials', 'titan-embedded', 'client-credentials', 'peer'],
  ['token: Titan production handshake / node-oidc-provider private_key_jwt', 'handshake', 'titan-production', 'client-credentials', 'peer'],
  ['token: Titan embedded handshake / node-oidc-provider private_key_jwt', 'handshake', 'titan-embedded', 'client-credentials', 'peer'],
  ['JWKS: Titan production / floor', 'jwks', 'titan-production', 'jwks', 'floor'],
  ['handshake: Titan production piscina / inline', 'handshake', 'titan-production-piscina', 'handshake', 'titan-production'],
  ['handshake: Titan embedded piscina / inline', 'handshake', 'titan-embedded-piscina', 'handshake', 'titan-embedded'],
  ['handshake: Titan production B build / A build', 'handshake', 'titan-production-b', 'handshake', 'titan-production'],
  ['handshake: Titan embedded B build / A build', 'handshake', 'titan-embedded-b', 'handshake', 'titan-embedded'],
];

export function ratios(suite: SuiteResult): Ratio[] {
  const out: Ratio[] = [];
  const find = (round: number, scenario: ScenarioName, target: TargetName): LoadResult | undefined => {
    const r = suite.runs.find((x) => x.round === round && x.scenario === scenario && x.target === target)?.result;
    return r === undefined || r === 'not available' ? undefined : r;
  };
  for (const [label, sa, ta, sb, tb] of RATIO_PAIRS) {
    const perRound: number[] = [];
    for (let round = 1; round <= suite.options.rounds; round++) {
      const a = find(round, sa, ta);
      const b = find(round, sb, tb);
      if (a && b && a.ops > 0 && b.ops > 0) perRound.push(a.opsPerCpuSecond / b.opsPerCpuSecond);
    }
    if (perRound.some(Number.isFinite)) out.push({ label, median: median(perRound), perRound });
  }
  return out;
}

const f = (x: number, digits = 0): string => (Number.isFinite(x) ? x.toFixed(digits) : '-');
const LABELS: Record<TargetName, string> = {
  'titan-embedded': 'Titan embedded',
  'titan-production': 'Titan production',
  'titan-production-piscina': 'Titan production (piscina)',
  'titan-embedded-piscina': 'Titan embedded (piscina)',
  peer: 'node-oidc-provider',
  floor: 'floor (node:http)',
  'titan-embedded-b': 'Titan embedded (B build)',
  'titan-production-b': 'Titan production (B build)',
};

export function markdown(suite: SuiteResult): string {
  const rows = summarise(suite);
  const o = suite.options;
  const lines = [
    `concurrency ${o.concurrency}, ${o.rounds} round(s) of ${o.durationMs / 1000} s (+${o.warmupMs / 1000} s warm-up) per scenario and target, ` +
      `targets alternating A/B; medians over rounds; CPU = utime+stime of the server process from /proc (verify: of the bench process)`,
    '',
    '| scenario | target | ops/s | p50 ms | p90 ms | p99 ms | max ms | server CPU ms/op | ops per server CPU-s | RSS MB | USS MB | errors |',
    '|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|---|',
  ];
  for (const r of rows) {
    if (!r.available) {
      lines.push(`| ${r.scenario} | ${LABELS[r.target]} | not available (404) | | | | | | | | | |`);
      continue;
    }
    const errors = Object.entries(r.errors).map(([k, v]) => `${k}: ${v}`).join(', ') || '0';
    lines.push(
      `| ${r.scenario} | ${LABELS[r.target]} | ${f(r.opsPerSecond)} | ${f(r.p50Ms, 2)} | ${f(r.p90Ms, 2)} | ${f(r.p99Ms, 2)} | ${f(r.maxMs, 1)} | ` +
        `${f(r.cpuMsPerOp, 3)} | ${f(r.opsPerCpuSecond)} | ${f(r.rssMb)} | ${f(r.ussMb)} | ${errors} |`,
    );
  }
  const rs = ratios(suite);
  if (rs.length > 0) {
    lines.push('', '| ratio (per server CPU-second, same round) | median | per round |', '|---|--:|---|');
    for (const r of rs) lines.push(`| ${r.label} | ${f(r.median, 2)}x | ${r.perRound.map((x) => x.toFixed(2)).join(', ')} |`);
  }
  const idle = Object.entries(suite.idle);
  if (idle.length > 0) {
    lines.push('', '| target | RSS MB idle (after start) | USS MB idle |', '|---|--:|--:|');
    for (const [name, m] of idle) lines.push(`| ${LABELS[name as TargetName]} | ${f(m!.rssMb)} | ${f(m!.ussMb)} |`);
  }
  return lines.join('\n');
}

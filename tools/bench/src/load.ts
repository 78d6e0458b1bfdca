import { cpuSeconds, memory, selfCpuSeconds, type MemorySample } from './proc';

/**
 * What one operation reports: an HTTP status (2xx is success), 0 for "ok, no HTTP" (in-process), or
 * a word naming a failure that is not a status.
 */
export type Operation = (loop: number) => Promise<number | string>;

export interface LoadOptions {
  readonly concurrency: number;
  readonly warmupMs: number;
  readonly durationMs: number;
  /** Hard cap on measured operations (bounds memory and time whatever the speed). */
  readonly maxOps: number;
  /** Server process whose CPU and memory are read; absent for in-process scenarios. */
  readonly serverPid?: number;
}

export interface LoadResult {
  readonly ops: number;
  readonly seconds: number;
  readonly opsPerSecond: number;
  readonly p50Ms: number;
  readonly p90Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  /** CPU seconds of the measured process per operation (server, or this process in-process). */
  readonly cpuSecondsPerOp: number;
  /** Operations per CPU-second of the measured process. */
  readonly opsPerCpuSecond: number;
  /** CPU seconds of the load generator per operation (for context). */
  readonly clientCpuSecondsPerOp: number;
  readonly memory: MemorySample | null;
  /** Failed operations by HTTP status (or `exception`). */
  readonly errors: Readonly<Record<string, number>>;
  /** The measured window on CLOCK_MONOTONIC in microseconds (the clock of V8 .cpuprofile timestamps). */
  readonly windowUs: readonly [number, number];
}

const percentile = (sorted: Float64Array, p: number): number =>
  sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;

/**
 * Runs `op` in `concurrency` loops: a warm-up, then a measured window of `durationMs` (or `maxOps`
 * operations, whichever comes first). Only operations that complete inside the window count; the
 * server's CPU time is read from /proc at the window's edges.
 */
export async function runLoad(op: Operation, options: LoadOptions): Promise<LoadResult> {
  const latencies = new Float64Array(options.maxOps);
  const errors: Record<string, number> = {};
  let ops = 0;
  let measuring = false;
  let stopping = false;

  const loop = async (index: number): Promise<void> => {
    while (!stopping) {
      const start = performance.now();
      let status: number | string;
      try {
        status = await op(index);
      } catch {
        status = 'exception';
      }
      if (!measuring || stopping) continue;
      if (status === 0 || (typeof status === 'number' && status >= 200 && status < 300)) {
        latencies[ops++] = performance.now() - start;
        if (ops >= options.maxOps) stopping = true;
      } else {
        errors[status] = (errors[status] ?? 0) + 1;
        if (status === 'exception') await new Promise((r) => setTimeout(r, 10)); // don't spin on a dead server
      }
    }
  };

  const pid = options.serverPid;
  const loops = Array.from({ length: options.concurrency }, (_, i) => loop(i));
  await new Promise((r) => setTimeout(r, options.warmupMs));
  const cpu0 = pid ? cpuSeconds(pid) : selfCpuSeconds();
  const self0 = selfCpuSeconds();
  const t0 = performance.now();
  const w0 = Number(process.hrtime.bigint() / 1000n);
  measuring = true;
  const deadline = t0 + options.durationMs;
  for (let now = t0; !stopping && now < deadline; now = performance.now()) {
    await new Promise((r) => setTimeout(r, Math.min(20, deadline - now)));
  }
  const seconds = (performance.now() - t0) / 1000;
  const w1 = Number(process.hrtime.bigint() / 1000n);
  const cpu1 = pid ? cpuSeconds(pid) : selfCpuSeconds();
  const self1 = selfCpuSeconds();
  const mem = pid ? memory(pid) : null;
  measuring = false;
  stopping = true;
  await Promise.all(loops);

  const sorted = latencies.slice(0, ops).sort();
  const cpu = cpu1 - cpu0;
  return {
    ops,
    seconds,
    opsPerSecond: ops / seconds,
    p50Ms: percentile(sorted, 50),
    p90Ms: percentile(sorted, 90),
    p99Ms: percentile(sorted, 99),
    maxMs: sorted.length ? sorted[sorted.length - 1]! : NaN,
    cpuSecondsPerOp: ops ? cpu / ops : NaN,
    opsPerCpuSecond: cpu > 0 ? ops / cpu : NaN,
    clientCpuSecondsPerOp: ops ? (self1 - self0) / ops : NaN,
    memory: mem,
    errors,
    windowUs: [w0, w1],
  };
}

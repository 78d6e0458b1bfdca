import { readFileSync } from 'node:fs';

/** USER_HZ on Linux (getconf CLK_TCK): /proc/<pid>/stat counts CPU time in 1/100 s. */
export const CLK_TCK = 100;

/** utime + stime of a process (all its threads), in seconds. */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name, which is in parentheses and may contain spaces.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state); utime is field 14, stime field 15.
  return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
}

export interface MemorySample {
  /** Resident set size, MB. */
  readonly rssMb: number;
  /** Unique set size (private clean + private dirty), MB: what the process alone holds. */
  readonly ussMb: number;
}

export function memory(pid: number): MemorySample {
  const text = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
  const kb = (name: string): number => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? 0);
  return { rssMb: kb('Rss') / 1024, ussMb: (kb('Private_Clean') + kb('Private_Dirty')) / 1024 };
}

/** CPU seconds of this process (the load generator itself), user + system. */
export function selfCpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

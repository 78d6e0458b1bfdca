#!/usr/bin/env node
/**
 * Summarises V8 .cpuprofile files (from `node --cpu-prof`): self time by category and the top
 * self-time functions. Usage: node dist/profile-summary.js FILE.cpuprofile [--top 30] [--from US --to US]
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { functionName: string; url: string; lineNumber: number };
  readonly children?: number[];
}

interface Profile {
  readonly startTime: number;
  readonly nodes: ProfileNode[];
  readonly samples: number[];
  readonly timeDeltas: number[];
}

/** First match wins; patterns are tested against `url functionName`. */
const CATEGORIES: ReadonlyArray<readonly [string, RegExp]> = [
  ['idle', /^ \((idle|program)\)$/],
  ['GC', /\(garbage collector\)/],
  ['crypto (node:crypto / OpenSSL)', /node:internal\/crypto|crypto-lane|ecdsa|\b(sign|verify|randomBytes|createHash|digest|update)$/],
  ['validation (class-validator / class-transformer)', /class-validator|class-transformer|validator\/lib/],
  ['Nest / Fastify routing and pipeline', /@nestjs|fastify|find-my-way|avvio|light-my-request|reflect-metadata|rxjs|path-to-regexp/],
  ['stores (ioredis, pg, TypeORM, PGlite)', /ioredis|redis-parser|\/pg\/|pg-protocol|typeorm|@electric-sql|adapters\/stores|adapters\/persistence/],
  ['logging (pino)', /pino|sonic-boom/],
  ['JSON / base64 / text', / (parse|stringify|toString|base64Slice|base64urlSlice|encode|decode|utf8Slice|utf8Write|write|byteLength|from|encodeBase64Url|decodeBase64Url|decodeBase64UrlOfLength)$|buffer\.js|internal\/encoding|internal\/util\/text/],
  ['node http / net / streams', /node:_http|node:http|node:net|node:internal\/(streams|stream_base|http|net|timers|async_hooks|process\/task_queues|event_target)|node:events|node:stream|\(anonymous\)$/],
  ['Titan application and domain', /\/libs\/(application|domain|adapters)\//],
];

export function categorise(url: string, functionName: string): string {
  const key = `${url} ${functionName}`;
  for (const [name, pattern] of CATEGORIES) if (pattern.test(key)) return name;
  return 'other';
}

/**
 * `window`: only samples inside [from, to], CLOCK_MONOTONIC microseconds (what the bench prints
 * for each measured run as `profile window`), so start-up and shutdown stay out.
 */
export function summariseProfile(profile: Profile, top = 25, window: readonly [number, number] = [0, Infinity]): string {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  let at = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    at += profile.timeDeltas[i] ?? 0;
    if (at < window[0] || at > window[1]) continue;
    const id = profile.samples[i]!;
    selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  }
  const byCategory = new Map<string, number>();
  const byFunction = new Map<string, { us: number; category: string }>();
  let total = 0;
  let busy = 0;
  for (const [id, us] of selfUs) {
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
    const category = categorise(url, functionName);
    total += us;
    if (category !== 'idle') busy += us;
    byCategory.set(category, (byCategory.get(category) ?? 0) + us);
    const short = url.replace(/^.*node_modules\/\.pnpm\/[^/]+\/node_modules\//, '').replace(/^file:\/\/.*\/(libs|apps)\//, '$1/');
    const name = `${functionName || '(anonymous)'} ${short}${url ? `:${lineNumber + 1}` : ''}`;
    const entry = byFunction.get(name) ?? { us: 0, category };
    entry.us += us;
    byFunction.set(name, entry);
  }
  const pct = (us: number): string => `${((100 * us) / busy).toFixed(1)}%`;
  const lines = [
    `busy ${(busy / 1e6).toFixed(2)} s of ${(total / 1e6).toFixed(2)} s sampled (main thread); shares are of busy time`,
    '',
    '| category | self time | share |',
    '|---|--:|--:|',
  ];
  for (const [name, us] of [...byCategory].filter(([n]) => n !== 'idle').sort((a, b) => b[1] - a[1])) {
    lines.push(`| ${name} | ${(us / 1e3).toFixed(0)} ms | ${pct(us)} |`);
  }
  lines.push('', '| top self-time functions | category | share |', '|---|---|--:|');
  for (const [name, e] of [...byFunction].filter(([, e]) => e.category !== 'idle').sort((a, b) => b[1].us - a[1].us).slice(0, top)) {
    lines.push(`| \`${name.replace(/\|/g, '\\|')}\` | ${e.category} | ${pct(e.us)} |`);
  }
  return lines.join('\n');
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const option = (name: string, fallback: number): number => {
    const i = args.indexOf(name);
    return i >= 0 ? Number(args.splice(i, 2)[1]) : fallback;
  };
  const top = option('--top', 25);
  const from = option('--from', 0);
  const to = option('--to', Infinity);
  for (const file of args) {
    const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
    process.stdout.write(`### ${file}\n\n${summariseProfile(profile, top, [from, to])}\n\n`);
  }
}

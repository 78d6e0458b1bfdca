/**
 * CI smoke of the benchmark: every scenario runs briefly against embedded Titan, the floor and the
 * peer, so the harness never rots. It asserts that operations completed without errors, never
 * anything about speed (numbers on a shared CI machine mean nothing; see docs/benchmarks.md).
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { describe, it } from 'node:test';
import { SCENARIO_NAMES } from './scenarios';
import { runSuite } from './suite';
import { API_MAIN } from './targets';

describe('benchmark smoke', () => {
  it('runs each available scenario on embedded Titan, node-oidc-provider and the floor with no errors', { timeout: 240_000 }, async () => {
    assert.ok(existsSync(API_MAIN), `build the API first: ${API_MAIN}`);
    const suite = await runSuite({
      targets: ['titan-embedded', 'peer', 'floor'],
      scenarios: SCENARIO_NAMES,
      rounds: 1,
      durationMs: 500,
      warmupMs: 100,
      concurrency: 4,
      maxOps: 50_000,
      identities: 4,
    });
    const measured = suite.runs.filter((r) => r.result !== 'not available');
    // The native handshake exists today on Titan and the floor; OAuth scenarios join when their endpoints do.
    for (const target of ['titan-embedded', 'floor'] as const) {
      assert.ok(measured.some((r) => r.scenario === 'handshake' && r.target === target), `handshake ran on ${target}`);
    }
    assert.ok(measured.some((r) => r.scenario === 'client-credentials' && r.target === 'peer'), 'private_key_jwt ran on the peer');
    for (const run of measured) {
      if (run.result === 'not available') continue;
      assert.ok(run.result.ops > 0, `${run.scenario} on ${run.target} completed operations`);
      assert.deepEqual(run.result.errors, {}, `${run.scenario} on ${run.target} had no errors`);
    }
  });
});

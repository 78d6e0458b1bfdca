import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ok } from '@titan/domain';
import type { AuditChainVerdict, AuditTrail } from '../ports/audit-log.port';
import { VerifyAuditUseCase } from './verify-audit.use-case';

const HASHES = ['a', 'b', 'c', 'd', 'e'].map((c) => c.repeat(64));
const AT = new Date('2026-01-01T00:00:00.000Z');

/** A chain of `count` intact entries whose hashes are HASHES, or a fixed verdict. */
function trail(count: number, broken?: AuditChainVerdict): AuditTrail {
  return {
    list: async () => ok({ items: [], nextCursor: null }),
    head: async () => (count === 0 ? null : { seq: count, hash: HASHES[count - 1]!, at: AT }),
    verify: async (options = {}) => broken ?? {
      ok: true, count, head: count === 0 ? null : { seq: count, hash: HASHES[count - 1]!, at: AT },
      anchorHash: options.anchorSeq !== undefined && options.anchorSeq <= count ? HASHES[options.anchorSeq - 1]! : null,
    },
  };
}

describe('VerifyAuditUseCase', () => {
  it('passes an intact chain with its count and head', async () => {
    assert.deepEqual(await new VerifyAuditUseCase(trail(3)).execute(), { ok: true, count: 3, head: { seq: 3, hash: HASHES[2], at: AT } });
    assert.deepEqual(await new VerifyAuditUseCase(trail(0)).execute(), { ok: true, count: 0, head: null });
  });

  it('passes the broken verdict through', async () => {
    const broken = { ok: false, brokenAtSeq: 2, reason: 'entry 2 was altered (hash mismatch)' } as const;
    assert.deepEqual(await new VerifyAuditUseCase(trail(3, broken)).execute({ expectAtLeast: 1 }), broken);
  });

  it('catches deleted newest entries with a noted count', async () => {
    const use = new VerifyAuditUseCase(trail(3));
    assert.equal((await use.execute({ expectAtLeast: 3 })).ok, true);
    const verdict = await use.execute({ expectAtLeast: 5 });
    assert.ok(!verdict.ok);
    assert.equal(verdict.brokenAtSeq, 4);
    assert.match(verdict.reason, /entry 4 is missing/);
  });

  it('catches deleted newest entries and a rewritten chain with a noted head', async () => {
    const use = new VerifyAuditUseCase(trail(4));
    assert.equal((await use.execute({ expectHead: { seq: 2, hash: HASHES[1]! } })).ok, true, 'later entries are fine');
    assert.equal((await use.execute({ expectHead: { seq: 2, hash: HASHES[1]!.toUpperCase() } })).ok, true, 'hex case does not matter');
    const truncated = await use.execute({ expectHead: { seq: 6, hash: 'f'.repeat(64) } });
    assert.deepEqual(truncated.ok ? null : truncated.brokenAtSeq, 5);
    const rewritten = await use.execute({ expectHead: { seq: 3, hash: 'f'.repeat(64) } });
    assert.ok(!rewritten.ok);
    assert.equal(rewritten.brokenAtSeq, 3);
    assert.match(rewritten.reason, /rewritten/);
  });
});

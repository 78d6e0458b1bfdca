import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AUDIT_GENESIS_HASH, auditEntryHash, type AuditEntryFields } from './audit-chain';

const entry: AuditEntryFields = {
  seq: 1, at: new Date('2026-01-01T00:00:00.000Z'), actor: 'admin', action: 'identity.registered', subject: 'orders',
  outcome: 'success', reason: null, requestId: 'r1', clientIp: '10.0.0.1',
};

describe('audit entry hash', () => {
  it('is a stable SHA-256 hex digest', () => {
    const hash = auditEntryHash(entry, AUDIT_GENESIS_HASH);
    assert.match(hash, /^[0-9a-f]{64}$/);
    assert.equal(auditEntryHash({ ...entry }, AUDIT_GENESIS_HASH), hash);
  });

  it('commits to every field, to the previous hash, and tells null from empty', () => {
    const base = auditEntryHash(entry, AUDIT_GENESIS_HASH);
    const variants: AuditEntryFields[] = [
      { ...entry, seq: 2 }, { ...entry, at: new Date('2026-01-01T00:00:00.001Z') }, { ...entry, actor: null },
      { ...entry, action: 'identity.revoked' }, { ...entry, subject: 'other' }, { ...entry, outcome: 'failure' },
      { ...entry, reason: '' }, { ...entry, requestId: null }, { ...entry, clientIp: '10.0.0.2' },
      // Moving text between adjacent fields must not produce the same serialisation.
      { ...entry, actor: 'admin","identity.registered', action: '' },
    ];
    for (const variant of variants) assert.notEqual(auditEntryHash(variant, AUDIT_GENESIS_HASH), base, JSON.stringify(variant));
    assert.notEqual(auditEntryHash(entry, 'f'.repeat(64)), base);
  });
});

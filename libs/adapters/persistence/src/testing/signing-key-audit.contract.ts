import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { AuditEvent, SigningKeyRepository } from '@titan/application';
import type { DataSource } from 'typeorm';
import { verifyAuditChain } from '../audit/verify-audit-chain';
import { signingKey, uniqueId } from './fixtures';

const event = (kid: string, action: string): AuditEvent => ({
  action, outcome: 'success', actor: 'admin', subject: kid, reason: 'on_demand ES256', requestId: 'req-1', clientIp: '127.0.0.1',
});

/** Signing-key lifecycle changes and their audit entries commit together or not at all. */
export function signingKeyAuditContract(subject: () => { signingKeys: SigningKeyRepository; dataSource: DataSource }): void {
  describe('SigningKeyRepository.transact audit', () => {
    const entriesFor = async (kid: string): Promise<Array<{ action: string; actor: string; reason: string }>> =>
      subject().dataSource.query('SELECT action, actor, reason FROM audit_log WHERE subject = $1 ORDER BY seq', [kid]);

    it('writes the audit entries of a change in its transaction', async () => {
      const kid = uniqueId('audited');
      await subject().signingKeys.transact(async () => ({
        inserts: [signingKey(kid, 'ES256', 'next')], updates: [], result: null, audit: [event(kid, 'signing_key.published')],
      }));
      assert.deepEqual(await entriesFor(kid), [{ action: 'signing_key.published', actor: 'admin', reason: 'on_demand ES256' }]);
      assert.ok((await subject().signingKeys.list()).some((k) => k.kid === kid));
      assert.equal((await verifyAuditChain(subject().dataSource)).ok, true);
    });

    it('writes neither the change nor its audit entries when the change fails', async () => {
      const kid = uniqueId('rolled-back');
      const existing = uniqueId('dup');
      await subject().signingKeys.transact(async () => ({ inserts: [signingKey(existing, 'ES256', 'next')], updates: [], result: null }));
      // The audit entry and the first insert are written, then the second insert (a kid in use) fails.
      await assert.rejects(subject().signingKeys.transact(async () => ({
        inserts: [signingKey(kid, 'ES256', 'next'), signingKey(existing, 'ES256', 'next')], updates: [], result: null,
        audit: [event(kid, 'signing_key.published')],
      })));
      assert.deepEqual(await entriesFor(kid), []);
      assert.equal((await subject().signingKeys.list()).some((k) => k.kid === kid), false);
    });
  });
}

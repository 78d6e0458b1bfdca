import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { UserIdentity } from '@titan/domain';
import type { AuditEntry, AuditEvent, AuditTrail, IdentityRepository, Page } from '@titan/application';
import { allPages, errorCode, freshKey, newIdentity, uniqueId, unwrap } from './fixtures';

/** An audit event whose reason marks it, so a test finds exactly its own entries in a shared log. */
const event = (reason: string = uniqueId('change'), action = 'identity.changed'): AuditEvent => ({
  action, outcome: 'success', actor: 'contract', subject: null, reason, requestId: null, clientIp: null,
});

/** Every entry with this reason (the log is shared with other tests, so filter, do not count all). */
async function entriesWithReason(trail: AuditTrail, reason: string): Promise<AuditEntry[]> {
  const found: AuditEntry[] = [];
  let cursor: string | null = null;
  do {
    const page: Page<AuditEntry> = unwrap(await trail.list(100, cursor));
    found.push(...page.items.filter((e) => e.reason === reason));
    cursor = page.nextCursor;
  } while (cursor !== null);
  return found;
}

/**
 * Contract of the IdentityRepository port; run against every adapter with its own factory. `trail`
 * reads the audit log the repository writes each change's entry to, in the change's transaction.
 */
export function identityRepositoryContract(subject: () => { identities: IdentityRepository; trail: AuditTrail }): void {
  const repository = () => subject().identities;
  describe('IdentityRepository contract', () => {
    it('round-trips an identity with its keys, sets and dates', async () => {
      const repo = repository();
      const identity = newIdentity(uniqueId('round'), freshKey(), { clientSecretHash: 'hmac:abc' });
      assert.equal(errorCode(await repo.create(identity, event())), null);
      const found = await repo.findById(identity.id);
      assert.ok(found);
      assert.deepEqual(found.toProps(), identity.toProps());
      assert.ok(found.createdAt instanceof Date);
      assert.equal(await repo.findById(uniqueId('missing')), null);
    });

    it('persists added keys, retired keys and revocation', async () => {
      const repo = repository();
      const first = freshKey();
      const second = freshKey(new Date('2026-02-01T00:00:00.001Z'));
      const identity = newIdentity(uniqueId('update'), first);
      unwrap(await repo.create(identity, event()));
      const rotated = unwrap(unwrap(identity.addKey(second)).retireKey(first.thumbprint));
      assert.equal(errorCode(await repo.update(rotated, event())), null);
      assert.deepEqual((await repo.findById(identity.id))!.keys, [second]);
      const revoked = unwrap(rotated.revoke('compromised host', new Date('2026-03-01T12:00:00.000Z')));
      assert.equal(errorCode(await repo.update(revoked, event())), null);
      assert.deepEqual((await repo.findById(identity.id))!.toProps(), revoked.toProps());
    });

    it('refuses a duplicate id with identity_exists, also after revocation', async () => {
      const repo = repository();
      const identity = newIdentity(uniqueId('dup'));
      unwrap(await repo.create(identity, event()));
      assert.equal(errorCode(await repo.create(newIdentity(identity.id), event())), 'identity_exists');
      unwrap(await repo.update(unwrap(identity.revoke('gone', new Date())), event()));
      const again = newIdentity(identity.id);
      assert.equal(errorCode(await repo.create(again, event())), 'identity_exists');
      // Nothing of the refused registration stayed behind: its key is still free.
      assert.equal(errorCode(await repo.create(newIdentity(uniqueId('free'), again.keys[0]), event())), null);
    });

    it('refuses a key registered to another identity with key_in_use', async () => {
      const repo = repository();
      const key = freshKey();
      unwrap(await repo.create(newIdentity(uniqueId('owner'), key), event()));
      const other = newIdentity(uniqueId('thief'), key);
      assert.equal(errorCode(await repo.create(other, event())), 'key_in_use');
      assert.equal(await repo.findById(other.id), null);
    });

    it('never accepts a retired key again, on the same or another identity', async () => {
      const repo = repository();
      const first = freshKey();
      const identity = newIdentity(uniqueId('retire'), first);
      unwrap(await repo.create(identity, event()));
      const rotated = unwrap(unwrap(identity.addKey(freshKey())).retireKey(first.thumbprint));
      unwrap(await repo.update(rotated, event()));
      assert.equal(errorCode(await repo.update(unwrap(rotated.addKey(first)), event())), 'key_in_use');
      assert.equal(errorCode(await repo.create(newIdentity(uniqueId('reuse'), first), event())), 'key_in_use');
      assert.deepEqual((await repo.findById(identity.id))!.keys, rotated.keys);
    });

    it('rolls back the whole update when an added key is taken', async () => {
      const repo = repository();
      const taken = freshKey();
      unwrap(await repo.create(newIdentity(uniqueId('holder'), taken), event()));
      const identity = newIdentity(uniqueId('victim'));
      unwrap(await repo.create(identity, event()));
      const changed = unwrap(unwrap(identity.addKey(freshKey())).addKey(taken));
      assert.equal(errorCode(await repo.update(changed, event())), 'key_in_use');
      assert.deepEqual((await repo.findById(identity.id))!.toProps(), identity.toProps());
    });

    it('answers identity_not_found for an unknown id and never un-revokes', async () => {
      const repo = repository();
      assert.equal(errorCode(await repo.update(newIdentity(uniqueId('ghost')), event())), 'identity_not_found');
      const identity = newIdentity(uniqueId('stale'));
      unwrap(await repo.create(identity, event()));
      unwrap(await repo.update(unwrap(identity.revoke('incident', new Date())), event()));
      // A key rotation built from a copy read before the revocation.
      assert.equal(errorCode(await repo.update(unwrap(identity.addKey(freshKey())), event())), 'identity_revoked');
      assert.equal((await repo.findById(identity.id))!.status, 'revoked');
    });

    it('pages by id with an opaque cursor', async () => {
      const repo = repository();
      const prefix = uniqueId('page');
      const ids = Array.from({ length: 7 }, (_, i) => `${prefix}-${String.fromCharCode(103 - i)}`);
      for (const id of ids) unwrap(await repo.create(newIdentity(id), event()));
      const seen: UserIdentity[] = await allPages((cursor) => repo.list(3, cursor), 3);
      const all = seen.map((i) => i.id);
      assert.deepEqual(all, [...all].sort(), 'ids come in byte order');
      assert.equal(new Set(all).size, all.length, 'no id twice');
      assert.deepEqual(all.filter((id) => id.startsWith(prefix)), [...ids].sort());
      const mine = seen.find((i) => i.id === ids[0])!;
      assert.equal(mine.keys.length, 1);
      const refused = await repo.list(3, 'not-a-cursor!');
      assert.equal(!refused.ok && refused.error.code, 'invalid_request');
    });

    it('lets exactly one of several concurrent registrations of an id win', async () => {
      const repo = repository();
      const id = uniqueId('race');
      const results = await Promise.all(Array.from({ length: 6 }, () => repo.create(newIdentity(id), event())));
      assert.equal(results.filter((r) => r.ok).length, 1);
      assert.deepEqual(results.filter((r) => !r.ok).map(errorCode), Array(5).fill('identity_exists'));
      assert.equal((await repo.findById(id))!.keys.length, 1);
    });

    it('writes a committed change and its audit entry together, with every field', async () => {
      const { identities: repo, trail } = subject();
      const identity = newIdentity(uniqueId('audited'));
      const reason = uniqueId('registered');
      const registered: AuditEvent = {
        action: 'identity.registered', outcome: 'success', actor: 'admin', subject: identity.id, reason, requestId: 'req-7', clientIp: '192.0.2.7',
      };
      const before = await trail.verify();
      unwrap(await repo.create(identity, registered));
      const [entry, ...more] = await entriesWithReason(trail, reason);
      assert.equal(more.length, 0);
      assert.ok(entry);
      assert.deepEqual({ ...entry, seq: 0, at: null, hash: null }, { ...registered, seq: 0, at: null, hash: null });
      assert.match(entry.hash, /^[0-9a-f]{64}$/);
      const revokeReason = uniqueId('revoked');
      unwrap(await repo.update(unwrap(identity.revoke('retired', new Date())), event(revokeReason, 'identity.revoked')));
      const [revokedEntry] = await entriesWithReason(trail, revokeReason);
      assert.ok(revokedEntry && revokedEntry.seq > entry.seq);
      const after = await trail.verify();
      assert.ok(before.ok && after.ok && after.count >= before.count + 2);
    });

    it('leaves no audit entry behind for a refused create or update', async () => {
      const repo = repository();
      const { trail } = subject();
      const key = freshKey();
      const identity = newIdentity(uniqueId('refused'), key);
      unwrap(await repo.create(identity, event()));
      type Attempt = (reason: string) => Promise<{ ok: boolean; error?: { code: string } }>;
      const refusals: Array<[Attempt, string]> = [];
      const add = (code: string, attempt: Attempt) => refusals.push([attempt, code]);
      add('identity_exists', (r) => repo.create(newIdentity(identity.id), event(r)));
      add('key_in_use', (r) => repo.create(newIdentity(uniqueId('thief'), key), event(r)));
      add('identity_not_found', (r) => repo.update(newIdentity(uniqueId('ghost')), event(r)));
      // A key of another identity, added after a fresh one: the whole update rolls back.
      const taken = freshKey();
      unwrap(await repo.create(newIdentity(uniqueId('holder'), taken), event()));
      add('key_in_use', (r) => repo.update(unwrap(unwrap(identity.addKey(freshKey())).addKey(taken)), event(r)));
      for (const [attempt, code] of refusals) {
        const reason = uniqueId('refused');
        assert.equal(errorCode(await attempt(reason)), code);
        assert.deepEqual(await entriesWithReason(trail, reason), [], `no entry for a refused change (${code})`);
      }
      const revokedReason = uniqueId('revoke');
      unwrap(await repo.update(unwrap(identity.revoke('incident', new Date())), event(revokedReason)));
      const staleReason = uniqueId('stale');
      assert.equal(errorCode(await repo.update(unwrap(identity.addKey(freshKey())), event(staleReason))), 'identity_revoked');
      assert.equal((await entriesWithReason(trail, revokedReason)).length, 1);
      assert.deepEqual(await entriesWithReason(trail, staleReason), []);
      assert.equal((await trail.verify()).ok, true);
    });

    it('rolls the change back when its audit entry cannot be written', async () => {
      const repo = repository();
      const identity = newIdentity(uniqueId('unaudited'));
      // The audit table refuses this outcome (CHECK constraint), so the append throws inside the transaction.
      const invalid = { ...event(), outcome: 'maybe' } as unknown as AuditEvent;
      await assert.rejects(repo.create(identity, invalid));
      assert.equal(await repo.findById(identity.id), null);
      unwrap(await repo.create(identity, event()));
      await assert.rejects(repo.update(unwrap(identity.revoke('x', new Date())), invalid));
      assert.equal((await repo.findById(identity.id))!.status, 'active');
    });

    it('audits exactly the one winner of concurrent registrations, and the chain holds', async () => {
      const { identities: repo, trail } = subject();
      const id = uniqueId('auditrace');
      const reasons = Array.from({ length: 6 }, () => uniqueId('race'));
      const results = await Promise.all(reasons.map((reason) => repo.create(newIdentity(id), event(reason))));
      const winners = reasons.filter((_, i) => results[i]!.ok);
      assert.equal(winners.length, 1);
      for (const reason of reasons) assert.equal((await entriesWithReason(trail, reason)).length, reason === winners[0] ? 1 : 0);
      assert.equal((await trail.verify()).ok, true);
    });

    it('lets exactly one of several concurrent registrations of a key win', async () => {
      const repo = repository();
      const key = freshKey();
      const results = await Promise.all(Array.from({ length: 6 }, () => repo.create(newIdentity(uniqueId('keyrace'), key), event())));
      assert.equal(results.filter((r) => r.ok).length, 1);
      assert.deepEqual(results.filter((r) => !r.ok).map(errorCode), Array(5).fill('key_in_use'));
    });
  });
}

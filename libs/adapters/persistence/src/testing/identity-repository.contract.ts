import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { UserIdentity } from '@titan/domain';
import type { IdentityRepository, Page } from '@titan/application';
import { errorCode, freshKey, newIdentity, uniqueId, unwrap } from './fixtures';

/** Contract of the IdentityRepository port; run against every adapter with its own factory. */
export function identityRepositoryContract(repository: () => IdentityRepository): void {
  describe('IdentityRepository contract', () => {
    it('round-trips an identity with its keys, sets and dates', async () => {
      const repo = repository();
      const identity = newIdentity(uniqueId('round'), freshKey(), { clientSecretHash: 'hmac:abc' });
      assert.equal(errorCode(await repo.create(identity)), null);
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
      unwrap(await repo.create(identity));
      const rotated = unwrap(unwrap(identity.addKey(second)).retireKey(first.thumbprint));
      assert.equal(errorCode(await repo.update(rotated)), null);
      assert.deepEqual((await repo.findById(identity.id))!.keys, [second]);
      const revoked = unwrap(rotated.revoke('compromised host', new Date('2026-03-01T12:00:00.000Z')));
      assert.equal(errorCode(await repo.update(revoked)), null);
      assert.deepEqual((await repo.findById(identity.id))!.toProps(), revoked.toProps());
    });

    it('refuses a duplicate id with identity_exists, also after revocation', async () => {
      const repo = repository();
      const identity = newIdentity(uniqueId('dup'));
      unwrap(await repo.create(identity));
      assert.equal(errorCode(await repo.create(newIdentity(identity.id))), 'identity_exists');
      unwrap(await repo.update(unwrap(identity.revoke('gone', new Date()))));
      const again = newIdentity(identity.id);
      assert.equal(errorCode(await repo.create(again)), 'identity_exists');
      // Nothing of the refused registration stayed behind: its key is still free.
      assert.equal(errorCode(await repo.create(newIdentity(uniqueId('free'), again.keys[0]))), null);
    });

    it('refuses a key registered to another identity with key_in_use', async () => {
      const repo = repository();
      const key = freshKey();
      unwrap(await repo.create(newIdentity(uniqueId('owner'), key)));
      const other = newIdentity(uniqueId('thief'), key);
      assert.equal(errorCode(await repo.create(other)), 'key_in_use');
      assert.equal(await repo.findById(other.id), null);
    });

    it('never accepts a retired key again, on the same or another identity', async () => {
      const repo = repository();
      const first = freshKey();
      const identity = newIdentity(uniqueId('retire'), first);
      unwrap(await repo.create(identity));
      const rotated = unwrap(unwrap(identity.addKey(freshKey())).retireKey(first.thumbprint));
      unwrap(await repo.update(rotated));
      assert.equal(errorCode(await repo.update(unwrap(rotated.addKey(first)))), 'key_in_use');
      assert.equal(errorCode(await repo.create(newIdentity(uniqueId('reuse'), first))), 'key_in_use');
      assert.deepEqual((await repo.findById(identity.id))!.keys, rotated.keys);
    });

    it('rolls back the whole update when an added key is taken', async () => {
      const repo = repository();
      const taken = freshKey();
      unwrap(await repo.create(newIdentity(uniqueId('holder'), taken)));
      const identity = newIdentity(uniqueId('victim'));
      unwrap(await repo.create(identity));
      const changed = unwrap(unwrap(identity.addKey(freshKey())).addKey(taken));
      assert.equal(errorCode(await repo.update(changed)), 'key_in_use');
      assert.deepEqual((await repo.findById(identity.id))!.toProps(), identity.toProps());
    });

    it('answers identity_not_found for an unknown id and never un-revokes', async () => {
      const repo = repository();
      assert.equal(errorCode(await repo.update(newIdentity(uniqueId('ghost')))), 'identity_not_found');
      const identity = newIdentity(uniqueId('stale'));
      unwrap(await repo.create(identity));
      unwrap(await repo.update(unwrap(identity.revoke('incident', new Date()))));
      // A key rotation built from a copy read before the revocation.
      assert.equal(errorCode(await repo.update(unwrap(identity.addKey(freshKey())))), 'identity_revoked');
      assert.equal((await repo.findById(identity.id))!.status, 'revoked');
    });

    it('pages by id with an opaque cursor', async () => {
      const repo = repository();
      const prefix = uniqueId('page');
      const ids = Array.from({ length: 7 }, (_, i) => `${prefix}-${String.fromCharCode(103 - i)}`);
      for (const id of ids) unwrap(await repo.create(newIdentity(id)));
      const seen: UserIdentity[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const page: Page<UserIdentity> = unwrap(await repo.list(3, cursor));
        assert.ok(page.items.length <= 3);
        assert.ok(page.nextCursor === null || page.items.length === 3);
        seen.push(...page.items);
        cursor = page.nextCursor;
        pages++;
      } while (cursor !== null && pages < 10_000);
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
      const results = await Promise.all(Array.from({ length: 6 }, () => repo.create(newIdentity(id))));
      assert.equal(results.filter((r) => r.ok).length, 1);
      assert.deepEqual(results.filter((r) => !r.ok).map(errorCode), Array(5).fill('identity_exists'));
      assert.equal((await repo.findById(id))!.keys.length, 1);
    });

    it('lets exactly one of several concurrent registrations of a key win', async () => {
      const repo = repository();
      const key = freshKey();
      const results = await Promise.all(Array.from({ length: 6 }, () => repo.create(newIdentity(uniqueId('keyrace'), key))));
      assert.equal(results.filter((r) => r.ok).length, 1);
      assert.deepEqual(results.filter((r) => !r.ok).map(errorCode), Array(5).fill('key_in_use'));
    });
  });
}

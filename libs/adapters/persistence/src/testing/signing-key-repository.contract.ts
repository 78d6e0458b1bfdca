import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { SigningKeyRepository } from '@titan/application';
import type { TypeormSigningKeyRepository } from '../signing-key/typeorm-signing-key.repository';
import { signingKey, uniqueId } from './fixtures';

/**
 * Contract of the SigningKeyRepository port. Needs a database where no key is active yet: each
 * backend runs it once, on a fresh database or schema.
 */
export function signingKeyRepositoryContract(repository: () => SigningKeyRepository & Partial<Pick<TypeormSigningKeyRepository, 'updateAll'>>): void {
  describe('SigningKeyRepository contract', () => {
    it('round-trips keys, oldest first', async () => {
      const repo = repository();
      const key = signingKey(uniqueId('next'), 'ES256', 'next');
      assert.equal(await repo.insert(key), true);
      const later = { ...signingKey(uniqueId('later'), 'ES256', 'next'), createdAt: new Date('2026-01-04T00:00:00.000Z') };
      assert.equal(await repo.insert(later), true);
      const listed = await repo.list();
      const mine = listed.filter((k) => k.kid === key.kid || k.kid === later.kid);
      assert.deepEqual(mine, [key, later]);
    });

    it('lets exactly one of several concurrent active inserts of an algorithm win', async () => {
      const repo = repository();
      const keys = Array.from({ length: 6 }, () => signingKey(uniqueId('active'), 'ES256', 'active'));
      const results = await Promise.all(keys.map((k) => repo.insert(k)));
      assert.equal(results.filter(Boolean).length, 1);
      const active = (await repo.list()).filter((k) => k.state === 'active' && k.alg === 'ES256');
      assert.equal(active.length, 1);
      assert.equal(active[0]!.kid, keys[results.indexOf(true)]!.kid);
    });

    it('saves activation and retirement; a second active key is refused until the first retires', async () => {
      const repo = repository();
      const first = signingKey(uniqueId('rs-a'), 'RS256', 'active');
      const second = signingKey(uniqueId('rs-b'), 'RS256', 'next');
      assert.equal(await repo.insert(first), true);
      assert.equal(await repo.insert({ ...signingKey(uniqueId('rs-c'), 'RS256', 'active') }), false);
      assert.equal(await repo.insert(second), true);
      const at = new Date('2026-02-01T00:00:00.000Z');
      await repo.update({ ...first, state: 'retired', retiredAt: at });
      await repo.update({ ...second, state: 'active', activatedAt: at });
      const byKid = new Map((await repo.list()).map((k) => [k.kid, k]));
      assert.equal(byKid.get(first.kid)!.state, 'retired');
      assert.deepEqual(byKid.get(first.kid)!.retiredAt, at);
      assert.equal(byKid.get(second.kid)!.state, 'active');
      assert.equal([...byKid.values()].filter((k) => k.alg === 'RS256' && k.state === 'active').length, 1);
    });

    it('rotates atomically with updateAll when the adapter offers it', async (t) => {
      const repo = repository();
      if (!repo.updateAll) return t.skip('adapter has no updateAll');
      const current = (await repo.list()).find((k) => k.alg === 'RS256' && k.state === 'active')!;
      const next = signingKey(uniqueId('rs-next'), 'RS256', 'next');
      assert.equal(await repo.insert(next), true);
      const at = new Date('2026-03-01T00:00:00.000Z');
      // Activation listed first on purpose: the adapter retires before it activates.
      await repo.updateAll([{ ...next, state: 'active', activatedAt: at }, { ...current, state: 'retired', retiredAt: at }]);
      const active = (await repo.list()).filter((k) => k.alg === 'RS256' && k.state === 'active');
      assert.deepEqual(active.map((k) => k.kid), [next.kid]);
    });

    it('transact: saves inserts and updates at once, with the lifecycle columns, retiring before activating', async () => {
      const repo = repository();
      const current = (await repo.list()).find((k) => k.alg === 'RS256' && k.state === 'active')!;
      const at = new Date('2026-04-01T00:00:00.000Z');
      const next = { ...signingKey(uniqueId('tx-next'), 'RS256', 'next'), activatesAt: at };
      assert.equal(await repo.transact(async () => ({ inserts: [next], updates: [], result: 'published' })), 'published');
      assert.deepEqual((await repo.list()).find((k) => k.kid === next.kid), next);
      await repo.transact(async (keys) => {
        assert.ok(keys.some((k) => k.kid === next.kid));
        return {
          inserts: [],
          // Activation first on purpose: the adapter saves the key leaving `active` before the one entering it.
          updates: [{ ...next, state: 'active', activatedAt: at }, { ...current, state: 'removed', removedAt: at, encryptedPrivateKey: '' }],
          result: undefined,
        };
      });
      const byKid = new Map((await repo.list()).map((k) => [k.kid, k]));
      assert.equal(byKid.get(next.kid)!.state, 'active');
      assert.deepEqual(byKid.get(current.kid), { ...current, state: 'removed', removedAt: at, encryptedPrivateKey: '' });
    });

    it('transact: rolls everything back when deciding or saving fails', async () => {
      const repo = repository();
      const before = await repo.list();
      const key = signingKey(uniqueId('tx-fail'), 'ES256', 'next');
      await assert.rejects(repo.transact(async () => { throw new Error('no'); }), /no/);
      const active = before.find((k) => k.alg === 'ES256' && k.state === 'active')!;
      // Two active ES256 keys: refused, and the insert before it is undone.
      await assert.rejects(repo.transact(async () => ({ inserts: [key, signingKey(uniqueId('tx-two'), 'ES256', 'active')], updates: [], result: 0 })));
      await assert.rejects(repo.transact(async () => ({ inserts: [], updates: [{ ...active, state: 'retired', retiredAt: new Date() }, signingKey(uniqueId('ghost'), 'ES256', 'retired')], result: 0 })));
      assert.deepEqual(await repo.list(), before);
    });

    it('transact: concurrent calls take turns, so of racing rotations exactly one happens', async () => {
      const repo = repository();
      const seen = (await repo.list()).find((k) => k.alg === 'ES256' && k.state === 'active')!;
      const at = new Date('2026-05-01T00:00:00.000Z');
      // Each racer rotates only if the active key is still the one it saw, like instances ticking at once.
      const racers = Array.from({ length: 8 }, (_, i) =>
        repo.transact(async (keys) => {
          const active = keys.find((k) => k.alg === 'ES256' && k.state === 'active')!;
          await new Promise((resolve) => setTimeout(resolve, 5)); // widen the window between read and write
          if (active.kid !== seen.kid) return { inserts: [], updates: [], result: false };
          const successor = { ...signingKey(uniqueId(`racer-${i}`), 'ES256', 'active'), activatedAt: at };
          return { inserts: [successor], updates: [{ ...active, state: 'retired', retiredAt: at }], result: true };
        }),
      );
      const results = await Promise.all(racers);
      assert.equal(results.filter(Boolean).length, 1);
      const keys = await repo.list();
      assert.equal(keys.filter((k) => k.alg === 'ES256' && k.state === 'active').length, 1);
      assert.equal(keys.filter((k) => k.kid.startsWith('racer-')).length, 1);
    });

    it('throws on a duplicate kid instead of reporting a lost race', async () => {
      const repo = repository();
      const key = signingKey(uniqueId('dup'), 'ES256', 'next');
      assert.equal(await repo.insert(key), true);
      await assert.rejects(repo.insert(key));
    });
  });
}

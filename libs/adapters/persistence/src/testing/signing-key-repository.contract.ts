import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { SigningKeyChanges, SigningKeyRepository, StoredSigningKey } from '@titan/application';
import { signingKey, uniqueId } from './fixtures';

/** How the database names what it refused: the partial unique index on active keys, and the primary key. */
const SECOND_ACTIVE_KEY = /signing_keys_one_active_per_alg/;
const DUPLICATE_KID = /signing_keys_pkey/;

const inserting = <T>(inserts: readonly StoredSigningKey[], result: T): SigningKeyChanges<T> => ({ inserts, updates: [], result });

/** Lets racing transactions interleave between reading the keys and writing, if nothing serialises them. */
const widenRaceWindow = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 5));

/**
 * Contract of the SigningKeyRepository port. Needs a database where no key is active yet: each
 * backend runs it once, on a fresh database or schema. Concurrent calls stand for instances: on
 * PostgreSQL each runs on a pooled connection of its own, as another instance would.
 */
export function signingKeyRepositoryContract(repository: () => SigningKeyRepository): void {
  describe('SigningKeyRepository contract', () => {
    it('round-trips keys, oldest first', async () => {
      const repo = repository();
      const key = signingKey(uniqueId('next'), 'ES256', 'next');
      const later = { ...signingKey(uniqueId('later'), 'ES256', 'next'), createdAt: new Date('2026-01-04T00:00:00.000Z') };
      // Newest first, so the order listed can only come from the creation dates.
      assert.equal(await repo.transact(async () => inserting([later], 'saved')), 'saved');
      await repo.transact(async () => inserting([key], 'saved'));
      const listed = await repo.list();
      assert.deepEqual(listed.filter((k) => k.kid === key.kid || k.kid === later.kid), [key, later]);
      const created = listed.map((k) => k.createdAt.getTime());
      assert.deepEqual(created, [...created].sort((a, b) => a - b));
    });

    it('lets exactly one of several instances inserting the first active key of an algorithm win', async () => {
      const repo = repository();
      // Each racer publishes an active key only if it sees none, like instances starting at once.
      const racers = Array.from({ length: 6 }, (_, i) =>
        repo.transact(async (keys) => {
          const seen = keys.find((k) => k.alg === 'ES256' && k.state === 'active');
          await widenRaceWindow();
          if (seen) return { inserts: [], updates: [], result: { won: false, active: seen.kid } };
          const key = signingKey(uniqueId(`first-active-${i}`), 'ES256', 'active');
          return inserting([key], { won: true, active: key.kid });
        }),
      );
      // None is refused by the unique index: each decided on the outcome of the ones before it.
      const outcomes = await Promise.all(racers);
      assert.equal(outcomes.filter((o) => o.won).length, 1);
      const active = (await repo.list()).filter((k) => k.alg === 'ES256' && k.state === 'active');
      assert.equal(active.length, 1);
      assert.deepEqual(outcomes.map((o) => o.active), outcomes.map(() => active[0]!.kid));
    });

    it('saves activation and retirement; a second active key is refused until the first retires', async () => {
      const repo = repository();
      const first = signingKey(uniqueId('rs-a'), 'RS256', 'active');
      const second = signingKey(uniqueId('rs-b'), 'RS256', 'next');
      await repo.transact(async () => inserting([first, second], null));
      const before = await repo.list();
      // Changes no rotation would decide: the database refuses them, and keeps nothing of their transaction.
      const bystander = signingKey(uniqueId('rs-bystander'), 'RS256', 'next');
      await assert.rejects(repo.transact(async () => inserting([bystander, signingKey(uniqueId('rs-c'), 'RS256', 'active')], null)), SECOND_ACTIVE_KEY);
      await assert.rejects(
        repo.transact(async () => ({ inserts: [bystander], updates: [{ ...second, state: 'active', activatedAt: new Date() }], result: null })),
        SECOND_ACTIVE_KEY,
      );
      assert.deepEqual(await repo.list(), before);
      const at = new Date('2026-02-01T00:00:00.000Z');
      // Activation listed first on purpose: the adapter saves the key leaving `active` before the one entering it.
      await repo.transact(async () => ({
        inserts: [],
        updates: [{ ...second, state: 'active', activatedAt: at }, { ...first, state: 'retired', retiredAt: at }],
        result: null,
      }));
      const byKid = new Map((await repo.list()).map((k) => [k.kid, k]));
      assert.deepEqual(byKid.get(first.kid), { ...first, state: 'retired', retiredAt: at });
      assert.deepEqual(byKid.get(second.kid), { ...second, state: 'active', activatedAt: at });
      assert.equal([...byKid.values()].filter((k) => k.alg === 'RS256' && k.state === 'active').length, 1);
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
      await assert.rejects(repo.transact(async () => inserting([key, signingKey(uniqueId('tx-two'), 'ES256', 'active')], 0)), SECOND_ACTIVE_KEY);
      await assert.rejects(
        repo.transact(async () => ({ inserts: [], updates: [{ ...active, state: 'retired', retiredAt: new Date() }, signingKey(uniqueId('ghost'), 'ES256', 'retired')], result: 0 })),
        /no signing key with kid/,
      );
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
          await widenRaceWindow();
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

    it('refuses a duplicate kid, keeping the key stored under it', async () => {
      const repo = repository();
      const key = signingKey(uniqueId('dup'), 'ES256', 'next');
      await repo.transact(async () => inserting([key], null));
      await assert.rejects(repo.transact(async () => inserting([{ ...key, encryptedPrivateKey: 'v1.other.ciphertext' }], null)), DUPLICATE_KID);
      assert.deepEqual((await repo.list()).filter((k) => k.kid === key.kid), [key]);
    });
  });
}

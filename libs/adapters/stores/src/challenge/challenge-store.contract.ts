import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { ChallengeStore } from '@titan/application';
import { Challenge, Nonce } from '@titan/domain';

export interface ChallengeStoreHarness {
  /** Stores over one shared state, as separate instances would be (one is enough in memory). */
  readonly stores: readonly ChallengeStore[];
  /** Lets `ms` pass for the stores' expiry (a manual clock, or a real wait). */
  elapse(ms: number): Promise<void>;
  close(): Promise<void>;
}

export function sampleChallenge(overrides: { scopes?: readonly string[]; audience?: string } = {}): Challenge {
  return Challenge.issue({
    id: randomBytes(16).toString('base64url'),
    identityId: 'billing-api',
    nonce: Nonce.fromBytes(randomBytes(32)),
    audience: overrides.audience ?? 'https://ledger.example.com',
    scopes: overrides.scopes ?? ['ledger:read', 'ledger:write'],
    expiresAt: new Date(Date.now() + 60_000),
  });
}

function assertSameChallenge(actual: Challenge | null, expected: Challenge): void {
  assert.ok(actual, 'expected a challenge');
  assert.equal(actual.id, expected.id);
  assert.equal(actual.identityId, expected.identityId);
  assert.equal(actual.nonce.value, expected.nonce.value);
  assert.equal(actual.audience, expected.audience);
  assert.deepEqual([...actual.scopes], [...expected.scopes]);
  assert.equal(actual.expiresAt.getTime(), expected.expiresAt.getTime());
}

/** The ChallengeStore port's contract, run against every adapter (ory/hydra style). */
export function challengeStoreContract(
  name: string,
  open: () => Promise<ChallengeStoreHarness>,
  options: { skip?: string | false } = {},
): void {
  describe(`ChallengeStore contract: ${name}`, { skip: options.skip ?? false }, () => {
    let h: ChallengeStoreHarness;
    let store: ChallengeStore;
    before(async () => {
      h = await open();
      store = h.stores[0]!;
    });
    after(async () => h?.close());

    it('returns a saved challenge with every property intact', async () => {
      const challenge = sampleChallenge();
      await store.save(challenge, 60);
      assertSameChallenge(await store.take(challenge.id), challenge);
    });

    it('keeps unusual values intact: no scopes, non-ASCII text, separators', async () => {
      for (const c of [
        sampleChallenge({ scopes: [] }),
        sampleChallenge({ scopes: ['a:b/c.d-e_f', 'x'], audience: 'urn:näme:"quoted"\\back\nline' }),
      ]) {
        await store.save(c, 60);
        assertSameChallenge(await store.take(c.id), c);
      }
    });

    it('gives a challenge once: the second take is null', async () => {
      const challenge = sampleChallenge();
      await store.save(challenge, 60);
      assert.ok(await store.take(challenge.id));
      assert.equal(await store.take(challenge.id), null);
    });

    it('answers null for an unknown id', async () => {
      assert.equal(await store.take(randomBytes(16).toString('base64url')), null);
      assert.equal(await store.take(''), null);
    });

    it('keeps challenges apart', async () => {
      const [a, b, c] = [sampleChallenge(), sampleChallenge(), sampleChallenge()];
      for (const x of [a, b, c]) await store.save(x, 60);
      assertSameChallenge(await store.take(c.id), c);
      assertSameChallenge(await store.take(a.id), a);
      assertSameChallenge(await store.take(b.id), b);
    });

    it('forgets a challenge once its TTL has passed, and not before', async () => {
      const [early, late] = [sampleChallenge(), sampleChallenge()];
      await store.save(early, 0.6);
      await store.save(late, 0.6);
      await h.elapse(150);
      assertSameChallenge(await store.take(early.id), early);
      await h.elapse(550);
      assert.equal(await store.take(late.id), null);
    });

    it('refuses a TTL that is not a positive number', async () => {
      for (const ttl of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
        await assert.rejects(store.save(sampleChallenge(), ttl), RangeError);
      }
    });

    it('lets any instance redeem a challenge saved by another', async () => {
      const challenge = sampleChallenge();
      await store.save(challenge, 60);
      const other = h.stores[h.stores.length - 1]!;
      assertSameChallenge(await other.take(challenge.id), challenge);
      assert.equal(await store.take(challenge.id), null);
    });

    it('gives one challenge to exactly one of 50 concurrent takes across instances', async () => {
      const challenge = sampleChallenge();
      await store.save(challenge, 60);
      const results = await Promise.all(
        Array.from({ length: 50 }, (_, i) => h.stores[i % h.stores.length]!.take(challenge.id)),
      );
      const winners = results.filter((r) => r !== null);
      assert.equal(winners.length, 1);
      assertSameChallenge(winners[0]!, challenge);
    });

    it('keeps exactly one winner per challenge when many challenges race at once', async () => {
      const challenges = Array.from({ length: 10 }, () => sampleChallenge());
      await Promise.all(challenges.map((c) => store.save(c, 60)));
      const takes = challenges.flatMap((c) =>
        Array.from({ length: 20 }, (_, i) => h.stores[i % h.stores.length]!.take(c.id).then((r) => [c.id, r] as const)),
      );
      const wins = new Map<string, number>();
      for (const [id, r] of await Promise.all(takes)) if (r) wins.set(id, (wins.get(id) ?? 0) + 1);
      assert.deepEqual([...wins.values()], challenges.map(() => 1));
    });
  });
}

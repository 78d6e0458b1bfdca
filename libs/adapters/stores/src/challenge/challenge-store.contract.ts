import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { ChallengeStore, RateLimiterFactory } from '@titan/application';
import { Challenge, Nonce } from '@titan/domain';

export interface ChallengeStoreHarness {
  /** Stores over one shared state, as separate instances would be (one is enough in memory). */
  readonly stores: readonly ChallengeStore[];
  /** The factory of the limiters the first store's guarded forms check. */
  readonly rateLimiters: RateLimiterFactory;
  /** Lets `ms` pass for the stores' expiry (a manual clock, or a real wait). */
  elapse(ms: number): Promise<void>;
  close(): Promise<void>;
}

export function sampleChallenge(overrides: { scopes?: readonly string[]; audience?: string; identityId?: string } = {}): Challenge {
  return Challenge.issue({
    id: randomBytes(16).toString('base64url'),
    identityId: overrides.identityId ?? 'billing-api',
    nonce: Nonce.fromBytes(randomBytes(32)),
    audience: overrides.audience ?? 'https://ledger.example.com',
    scopes: overrides.scopes ?? ['ledger:read', 'ledger:write'],
    expiresAt: new Date(Date.now() + 60_000),
  });
}

export function assertSameChallenge(actual: Challenge | null, expected: Challenge): void {
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

    describe('guarded forms: abuse checks and the challenge operation, as one', () => {
      let names = 0;
      const limits = () => {
        const tag = `${process.pid}_${randomBytes(3).toString('hex')}_${names++}`;
        return {
          budget: h.rateLimiters.create({ name: `budget_${tag}`, limit: 1, windowSeconds: 60 }),
          lock: h.rateLimiters.create({ name: `lock_${tag}`, limit: 0, windowSeconds: 60 }),
          slots: h.rateLimiters.create({ name: `slots_${tag}`, limit: 5, windowSeconds: 60 }),
          tokens: h.rateLimiters.create({ name: `tokens_${tag}`, limit: 100, windowSeconds: 60 }),
        };
      };

      it('saves only when no check refused; a refusal ends the checks and stores nothing', async () => {
        const { budget, slots } = limits();
        const [first, second] = [sampleChallenge(), sampleChallenge()];
        const checks = [{ limiter: budget, key: 'ip', action: 'consume' as const }, { limiter: slots, key: 'pair', action: 'consume' as const }];
        const admitted = await store.saveAdmitted(checks, first, 60);
        assert.equal(admitted.admitted, true);
        assert.deepEqual(admitted.checks.map((r) => r?.consumed), [1, 1]);
        const refused = await store.saveAdmitted(checks, second, 60);
        assert.equal(refused.admitted, false);
        assert.deepEqual(refused.checks.map((r) => r?.allowed), [false], 'the slot after the refused budget was not taken');
        assert.equal((await slots.peek('pair'))?.consumed, 1);
        assert.equal(await store.take(second.id), null, 'the refused challenge was not stored');
        assertSameChallenge(await store.take(first.id), first);
      });

      it('takes only when no check refused: a locked key leaves the challenge in place', async () => {
        const { lock, slots } = limits();
        const challenge = sampleChallenge();
        await store.save(challenge, 60);
        await lock.block('pair', 30);
        const onTaken = { identityId: challenge.identityId, checks: [{ limiter: slots, key: 'pair', action: 'consume' as const }] };
        const locked = await store.takeAdmitted([{ limiter: lock, key: 'pair', action: 'check' }], challenge.id, onTaken);
        assert.deepEqual([locked.admitted, locked.challenge, locked.onTaken], [false, null, []]);
        assert.equal(locked.checks[0]?.allowed, false);
        await lock.reset('pair');
        const taken = await store.takeAdmitted([{ limiter: lock, key: 'pair', action: 'check' }], challenge.id, onTaken);
        assert.equal(taken.admitted, true);
        assertSameChallenge(taken.challenge, challenge);
        assert.deepEqual(taken.onTaken.map((r) => r?.consumed), [1]);
        assert.equal(await store.take(challenge.id), null, 'taken once');
      });

      it('runs the follow-up checks only for a challenge issued to the named identity', async () => {
        const { slots, tokens } = limits();
        const mine = sampleChallenge({ identityId: 'billing-api' });
        const theirs = sampleChallenge({ identityId: 'ledger-api' });
        await store.save(mine, 60);
        await store.save(theirs, 60);
        await slots.consume('pair');
        const onTaken = {
          identityId: 'billing-api',
          checks: [{ limiter: slots, key: 'pair', action: 'refund' as const }, { limiter: tokens, key: 'billing-api', action: 'consume' as const }],
        };
        const other = await store.takeAdmitted([], theirs.id, onTaken);
        assertSameChallenge(other.challenge, theirs);
        assert.deepEqual(other.onTaken, [], "another identity's challenge runs no follow-up");
        const unknown = await store.takeAdmitted([], randomBytes(16).toString('base64url'), onTaken);
        assert.deepEqual([unknown.admitted, unknown.challenge, unknown.onTaken], [true, null, []]);
        assert.equal((await slots.peek('pair'))?.consumed, 1);
        const own = await store.takeAdmitted([], mine.id, onTaken);
        assertSameChallenge(own.challenge, mine);
        assert.deepEqual(own.onTaken.map((r) => r && r.consumed), [null, 1], 'refund, then the charge');
        assert.equal((await slots.peek('pair'))?.consumed, 0);
      });

      it('gives one challenge to exactly one of 50 concurrent guarded takes, and follows up once', async () => {
        const { tokens } = limits();
        const challenge = sampleChallenge();
        await store.save(challenge, 60);
        const onTaken = { identityId: challenge.identityId, checks: [{ limiter: tokens, key: challenge.identityId, action: 'consume' as const }] };
        const results = await Promise.all(Array.from({ length: 50 }, () => store.takeAdmitted([], challenge.id, onTaken)));
        assert.equal(results.filter((r) => r.challenge !== null).length, 1);
        assert.equal((await tokens.peek(challenge.identityId))?.consumed, 1);
      });
    });
  });
}

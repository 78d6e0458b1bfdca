import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { RateLimiterFactory } from '@titan/application';
import { sleep } from '@titan/testing';

export interface RateLimiterHarness {
  /** Factories over one shared state, as separate instances would be (one is enough in memory). */
  readonly factories: readonly RateLimiterFactory[];
  close(): Promise<void>;
}

const freshKey = (): string => `10.0.${randomBytes(2).readUInt8(0)}.${randomBytes(6).toString('hex')}`;
let names = 0;
const freshName = (): string => `contract_${process.pid}_${names++}`;

/** The RateLimiter contract, run against every adapter (real time: windows of 1 to 2 s). */
export function rateLimiterContract(name: string, open: () => Promise<RateLimiterHarness>, options: { skip?: string | false } = {}): void {
  describe(`RateLimiter contract: ${name}`, { skip: options.skip ?? false }, () => {
    let h: RateLimiterHarness;
    let factory: RateLimiterFactory;
    before(async () => {
      h = await open();
      factory = h.factories[0]!;
    });
    after(async () => h?.close());

    it('allows the limit per window, refuses beyond it with the time left, counting refusals', async () => {
      const limiter = factory.create({ name: freshName(), limit: 3, windowSeconds: 60 });
      const key = freshKey();
      for (let i = 1; i <= 3; i++) {
        const d = await limiter.consume(key);
        assert.equal(d.allowed, true);
        assert.equal(d.consumed, i);
      }
      const refused = await limiter.consume(key);
      assert.equal(refused.allowed, false);
      assert.equal(refused.consumed, 4, 'the first refusal is limit + 1: the one to audit');
      assert.ok(refused.msBeforeReset > 58_000 && refused.msBeforeReset <= 60_000, `msBeforeReset ${refused.msBeforeReset}`);
      assert.equal((await limiter.consume(key)).consumed, 5);
      assert.equal((await limiter.consume(freshKey())).allowed, true, 'other keys keep their own budget');
    });

    it('recovers when the window ends', async () => {
      const limiter = factory.create({ name: freshName(), limit: 1, windowSeconds: 1 });
      const key = freshKey();
      assert.equal((await limiter.consume(key)).allowed, true);
      assert.equal((await limiter.consume(key)).allowed, false);
      await sleep(1100);
      assert.equal((await limiter.consume(key)).allowed, true);
    });

    it('keeps limits of different names apart', async () => {
      const a = factory.create({ name: freshName(), limit: 1, windowSeconds: 60 });
      const b = factory.create({ name: freshName(), limit: 1, windowSeconds: 60 });
      const key = freshKey();
      assert.equal((await a.consume(key)).allowed, true);
      assert.equal((await b.consume(key)).allowed, true);
      assert.equal((await a.consume(key)).allowed, false);
    });

    it('takes back refunded units', async () => {
      const limiter = factory.create({ name: freshName(), limit: 2, windowSeconds: 60 });
      const key = freshKey();
      await limiter.consume(key);
      await limiter.consume(key);
      await limiter.refund(key);
      assert.equal((await limiter.consume(key)).allowed, true);
      assert.equal((await limiter.consume(key)).allowed, false);
    });

    it('peeks without consuming; null for an unknown key', async () => {
      const limiter = factory.create({ name: freshName(), limit: 5, windowSeconds: 60 });
      const key = freshKey();
      assert.equal(await limiter.peek(key), null);
      await limiter.consume(key, 2);
      const state = await limiter.peek(key);
      assert.equal(state?.consumed, 2);
      assert.ok(state!.msBeforeReset > 0 && state!.msBeforeReset <= 60_000);
      assert.equal((await limiter.peek(key))?.consumed, 2);
    });

    it('blocks a key for whole seconds, then forgets it', async () => {
      const limiter = factory.create({ name: freshName(), limit: 0, windowSeconds: 60 });
      const key = freshKey();
      await limiter.block(key, 1);
      const state = await limiter.peek(key);
      assert.ok(state && state.consumed > limiter.limit, 'blocked');
      assert.ok(state.msBeforeReset > 0 && state.msBeforeReset <= 1000);
      await sleep(1100);
      assert.equal(await limiter.peek(key), null);
      await assert.rejects(limiter.block(key, 0), RangeError);
    });

    it('resets a key', async () => {
      const limiter = factory.create({ name: freshName(), limit: 1, windowSeconds: 60 });
      const key = freshKey();
      await limiter.consume(key);
      assert.equal((await limiter.consume(key)).allowed, false);
      await limiter.reset(key);
      assert.equal(await limiter.peek(key), null);
      assert.equal((await limiter.consume(key)).allowed, true);
    });

    it('with a local block, still answers the remaining time', async () => {
      const limiter = factory.create({ name: freshName(), limit: 1, windowSeconds: 60, localBlock: true });
      const key = freshKey();
      await limiter.consume(key);
      await limiter.consume(key);
      const again = await limiter.consume(key);
      assert.equal(again.allowed, false);
      assert.ok(again.msBeforeReset > 50_000, `msBeforeReset ${again.msBeforeReset}`);
    });

    it('grants exactly the limit to 50 concurrent requests across instances', async () => {
      const specName = freshName();
      const limiters = h.factories.map((f) => f.create({ name: specName, limit: 10, windowSeconds: 60 }));
      const key = freshKey();
      const decisions = await Promise.all(Array.from({ length: 50 }, (_, i) => limiters[i % limiters.length]!.consume(key)));
      assert.equal(decisions.filter((d) => d.allowed).length, 10);
      assert.equal(decisions.filter((d) => d.consumed === 11).length, 1, 'exactly one request is the first refusal');
    });

    it('runs a batch in order: consumes, peeks, refunds and resets, as the single calls would', async () => {
      const budget = factory.create({ name: freshName(), limit: 2, windowSeconds: 60 });
      const slots = factory.create({ name: freshName(), limit: 5, windowSeconds: 30 });
      const key = freshKey();
      await slots.consume(key);
      await slots.consume(key);
      const results = await factory.run([
        { limiter: budget, key, action: 'peek' },
        { limiter: budget, key, action: 'consume' },
        { limiter: slots, key, action: 'refund' },
        { limiter: slots, key, action: 'peek' },
        { limiter: budget, key, action: 'peek' },
      ]);
      assert.equal(results.length, 5);
      assert.equal(results[0], null, 'an unknown key peeks as null');
      assert.equal(results[1]?.allowed, true);
      assert.equal(results[1]?.consumed, 1);
      assert.ok(results[1]!.msBeforeReset > 58_000 && results[1]!.msBeforeReset <= 60_000);
      assert.equal(results[2], null);
      assert.equal(results[3]?.consumed, 1, 'the refund came before the peek');
      assert.ok(results[3]!.msBeforeReset > 0 && results[3]!.msBeforeReset <= 30_000);
      assert.deepEqual({ allowed: results[4]?.allowed, consumed: results[4]?.consumed }, { allowed: true, consumed: 1 });
      assert.equal((await budget.peek(key))?.consumed, 1, 'the batch and the single calls see the same counts');
      await factory.run([{ limiter: budget, key, action: 'reset' }]);
      assert.equal(await budget.peek(key), null);
      assert.deepEqual(await factory.run([]), []);
    });

    it('stops a batch after the first refused consume: later operations do not run', async () => {
      const budget = factory.create({ name: freshName(), limit: 1, windowSeconds: 60 });
      const slots = factory.create({ name: freshName(), limit: 5, windowSeconds: 60 });
      const key = freshKey();
      await budget.consume(key);
      const results = await factory.run([
        { limiter: slots, key, action: 'consume' },
        { limiter: budget, key, action: 'consume' },
        { limiter: slots, key, action: 'consume' },
      ]);
      assert.equal(results.length, 2);
      assert.equal(results[0]?.allowed, true);
      assert.deepEqual({ allowed: results[1]?.allowed, consumed: results[1]?.consumed }, { allowed: false, consumed: 2 });
      assert.equal((await slots.peek(key))?.consumed, 1, 'the consume after the refusal did not run');
    });

    it('with a local block, a batch still refuses and leaves what follows the refusal untouched', async () => {
      const budget = factory.create({ name: freshName(), limit: 1, windowSeconds: 60, localBlock: true });
      const slots = factory.create({ name: freshName(), limit: 5, windowSeconds: 60 });
      const key = freshKey();
      await budget.consume(key);
      assert.equal((await budget.consume(key)).allowed, false);
      for (let i = 0; i < 3; i++) {
        const results = await factory.run([{ limiter: budget, key, action: 'consume' }, { limiter: slots, key, action: 'consume' }]);
        assert.equal(results.length, 1);
        assert.equal(results[0]?.allowed, false);
        assert.ok(results[0]!.msBeforeReset > 50_000, `msBeforeReset ${results[0]!.msBeforeReset}`);
      }
      assert.equal(await slots.peek(key), null);
    });

    it('ends a batch at a check of a key over its limit; a check within it, or of no key, goes on', async () => {
      const lock = factory.create({ name: freshName(), limit: 0, windowSeconds: 60 });
      const slots = factory.create({ name: freshName(), limit: 5, windowSeconds: 60 });
      const key = freshKey();
      const open = await factory.run([{ limiter: lock, key, action: 'check' }, { limiter: slots, key, action: 'consume' }]);
      assert.deepEqual([open.length, open[0], open[1]?.consumed], [2, null, 1], 'no lock: the batch goes on');
      await lock.block(key, 30);
      const closed = await factory.run([
        { limiter: slots, key, action: 'check' }, { limiter: lock, key, action: 'check' }, { limiter: slots, key, action: 'consume' },
      ]);
      assert.equal(closed.length, 2, 'nothing after the refusing check ran');
      assert.deepEqual({ allowed: closed[0]?.allowed, consumed: closed[0]?.consumed }, { allowed: true, consumed: 1 });
      assert.equal(closed[1]?.allowed, false);
      assert.ok(closed[1]!.msBeforeReset > 25_000, `msBeforeReset ${closed[1]!.msBeforeReset}`);
      assert.equal((await slots.peek(key))?.consumed, 1);
    });

    it('refuses a malformed limit', () => {
      assert.throws(() => factory.create({ name: 'Bad Name', limit: 1, windowSeconds: 1 }), RangeError);
      assert.throws(() => factory.create({ name: 'ok', limit: -1, windowSeconds: 1 }), RangeError);
      assert.throws(() => factory.create({ name: 'ok', limit: 1, windowSeconds: 0.5 }), RangeError);
    });
  });
}

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { ReplayStore } from '@titan/application';

export interface ReplayStoreHarness {
  /** Stores over one shared state, as separate instances would be (one is enough in memory). */
  readonly stores: readonly ReplayStore[];
  /** Lets `ms` pass for the stores' expiry (a manual clock, or a real wait). */
  elapse(ms: number): Promise<void>;
  close(): Promise<void>;
}

const freshKey = (): string => `jti-${randomBytes(12).toString('base64url')}`;

/** The ReplayStore contract, run against every adapter. */
export function replayStoreContract(
  name: string,
  open: () => Promise<ReplayStoreHarness>,
  options: { skip?: string | false } = {},
): void {
  describe(`ReplayStore contract: ${name}`, { skip: options.skip ?? false }, () => {
    let h: ReplayStoreHarness;
    let store: ReplayStore;
    before(async () => {
      h = await open();
      store = h.stores[0]!;
    });
    after(async () => h?.close());

    it('accepts a key the first time and refuses it after', async () => {
      const key = freshKey();
      assert.equal(await store.markOnce(key, 60), true);
      assert.equal(await store.markOnce(key, 60), false);
      assert.equal(await store.markOnce(key, 60), false);
    });

    it('keeps keys apart', async () => {
      const [a, b] = [freshKey(), freshKey()];
      assert.equal(await store.markOnce(a, 60), true);
      assert.equal(await store.markOnce(b, 60), true);
      assert.equal(await store.markOnce(a, 60), false);
    });

    it('remembers a key for its TTL, then forgets it', async () => {
      const key = freshKey();
      assert.equal(await store.markOnce(key, 0.6), true);
      await h.elapse(150);
      assert.equal(await store.markOnce(key, 0.6), false, 'a replay inside the TTL');
      await h.elapse(550);
      assert.equal(await store.markOnce(key, 0.6), true, 'the TTL has passed');
    });

    it('refuses a key used at another instance', async () => {
      const key = freshKey();
      assert.equal(await store.markOnce(key, 60), true);
      assert.equal(await h.stores[h.stores.length - 1]!.markOnce(key, 60), false);
    });

    it('accepts exactly one of 50 concurrent uses of one key across instances', async () => {
      const key = freshKey();
      const results = await Promise.all(
        Array.from({ length: 50 }, (_, i) => h.stores[i % h.stores.length]!.markOnce(key, 60)),
      );
      assert.equal(results.filter(Boolean).length, 1);
    });

    it('refuses a TTL that is not a positive number', async () => {
      for (const ttl of [0, -5, Number.NaN]) await assert.rejects(store.markOnce(freshKey(), ttl), RangeError);
    });
  });
}

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { TokenDenylist } from '@titan/application';

export interface TokenDenylistHarness {
  /** Lists over one shared state, as separate instances would see it. */
  readonly lists: readonly TokenDenylist[];
  elapse(ms: number): Promise<void>;
  close(): Promise<void>;
}

const freshJti = (): string => randomBytes(16).toString('base64url');

/** The TokenDenylist contract, run against every adapter. */
export function tokenDenylistContract(name: string, open: () => Promise<TokenDenylistHarness>, options: { skip?: string | false } = {}): void {
  describe(`TokenDenylist contract: ${name}`, { skip: options.skip ?? false }, () => {
    let h: TokenDenylistHarness;
    before(async () => {
      h = await open();
    });
    after(async () => h?.close());

    it('holds a revoked jti, and only that one', async () => {
      const [revoked, other] = [freshJti(), freshJti()];
      assert.equal(await h.lists[0]!.has(revoked), false);
      await h.lists[0]!.add(revoked, 60);
      assert.equal(await h.lists[0]!.has(revoked), true);
      assert.equal(await h.lists[0]!.has(other), false);
      await h.lists[0]!.add(revoked, 60);
      assert.equal(await h.lists[0]!.has(revoked), true, 'adding twice is harmless');
    });

    it('is seen by every instance at once', async () => {
      const jti = freshJti();
      await h.lists[0]!.add(jti, 60);
      for (const list of h.lists) assert.equal(await list.has(jti), true);
    });

    it('forgets a jti after its TTL (the token has expired by then)', async () => {
      const jti = freshJti();
      await h.lists[0]!.add(jti, 0.4);
      await h.elapse(100);
      assert.equal(await h.lists[0]!.has(jti), true);
      await h.elapse(450);
      assert.equal(await h.lists[0]!.has(jti), false);
    });
  });
}

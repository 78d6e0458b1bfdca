import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { IdentityChangeBus } from '@titan/application';
import { sleep, waitFor } from '@titan/testing';

export interface IdentityChangeBusHarness {
  /** A bus for one more instance; the harness closes whatever is still open in `close()`. */
  open(options?: { onError?: (error: unknown) => void }): Promise<IdentityChangeBus>;
  close(): Promise<void>;
}

type Received = (string | null)[];

async function listen(bus: IdentityChangeBus): Promise<Received> {
  const received: Received = [];
  await bus.subscribe((id) => received.push(id));
  return received;
}

/** The IdentityChangeBus port's contract, run against every adapter. */
export function identityChangeBusContract(
  name: string,
  open: () => Promise<IdentityChangeBusHarness>,
  options: {
    skip?: string | false;
    /** Whether buses from separate `open()` calls reach each other (not so in-process). */
    crossInstance?: boolean;
  } = {},
): void {
  const crossInstance = options.crossInstance ?? false;
  describe(`IdentityChangeBus contract: ${name}`, { skip: options.skip ?? false }, () => {
    let h: IdentityChangeBusHarness;
    before(async () => {
      h = await open();
    });
    after(async () => h?.close());

    it('delivers a publication to the publishing instance itself, without a null at start', async () => {
      const bus = await h.open();
      const received = await listen(bus);
      await bus.publish('billing-api');
      await waitFor('own message', () => received.length >= 1);
      assert.deepEqual(received, ['billing-api']);
    });

    it('delivers to every listener, in publication order', async () => {
      const bus = await h.open();
      const [first, second] = [await listen(bus), await listen(bus)];
      for (const id of ['a', 'b', 'c']) await bus.publish(id);
      await waitFor('three messages each', () => first.length >= 3 && second.length >= 3);
      assert.deepEqual(first, ['a', 'b', 'c']);
      assert.deepEqual(second, ['a', 'b', 'c']);
    });

    if (crossInstance) it('reaches the other instances', async () => {
      const [a, b, c] = [await h.open(), await h.open(), await h.open()];
      const [ra, rb, rc] = [await listen(a), await listen(b), await listen(c)];
      await a.publish('orders-api');
      await waitFor('every instance', () => ra.length + rb.length + rc.length >= 3);
      for (const r of [ra, rb, rc]) assert.deepEqual(r, ['orders-api']);
    });

    it('keeps delivering when a listener throws, and reports the error', async () => {
      const errors: unknown[] = [];
      const bus = await h.open({ onError: (e) => errors.push(e) });
      await bus.subscribe(() => {
        throw new Error('broken cache');
      });
      const received = await listen(bus);
      await bus.publish('x');
      await waitFor('delivery past the broken listener', () => received.length >= 1);
      assert.deepEqual(received, ['x']);
      assert.match(String(errors[0]), /broken cache/);
    });

    it('stops delivering after close, and refuses further use', async () => {
      const bus = await h.open();
      const received = await listen(bus);
      await bus.close();
      await assert.rejects(bus.publish('late'), /closed/);
      await assert.rejects(bus.subscribe(() => undefined), /closed/);
      if (crossInstance) {
        const other = await h.open();
        await other.publish('late');
        await sleep(100);
      }
      assert.deepEqual(received, []);
      await bus.close(); // idempotent
    });
  });
}

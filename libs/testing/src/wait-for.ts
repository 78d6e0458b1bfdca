import { setTimeout as sleep } from 'node:timers/promises';

/** Polls `predicate` until it holds, or fails the test after `timeoutMs` with `what`. */
export async function waitFor(what: string, predicate: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(10);
  }
}

export { sleep };

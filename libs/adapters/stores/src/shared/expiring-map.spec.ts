import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '@titan/testing';
import { ExpiringMap } from './expiring-map';
import { ttlToMs } from './ttl';

describe('ExpiringMap', () => {
  it('never returns an expired entry, even before a sweep', () => {
    const clock = new ManualClock();
    const map = new ExpiringMap<string>({ clock });
    map.set('a', 'A', 1000);
    clock.advance(999);
    assert.equal(map.setIfAbsent('a', 'B', 1000), false);
    clock.advance(1);
    assert.equal(map.take('a'), undefined);
    map.close();
  });

  it('lets setIfAbsent replace an expired entry', () => {
    const clock = new ManualClock();
    const map = new ExpiringMap<string>({ clock });
    map.set('a', 'A', 10);
    clock.advance(10);
    assert.equal(map.setIfAbsent('a', 'B', 10), true);
    assert.equal(map.take('a'), 'B');
    map.close();
  });

  it('stays bounded: writes prune the oldest expired entries, sweeps drop the rest', () => {
    const clock = new ManualClock();
    const map = new ExpiringMap<number>({ clock });
    for (let i = 0; i < 1000; i++) map.set(`k${i}`, i, 100);
    map.set('long', 0, 10_000);
    clock.advance(100);
    map.set('next', 1, 100);
    assert.equal(map.size, 2, 'the expired head was pruned by the write');
    map.set('short-after-long', 2, 1);
    clock.advance(5);
    assert.equal(map.sweep(), 1);
    assert.equal(map.size, 2);
    map.close();
  });

  it('sweeps on its own timer', async () => {
    const map = new ExpiringMap<number>({ sweepIntervalMs: 20 });
    map.set('a', 1, 5);
    await new Promise((r) => setTimeout(r, 80));
    assert.equal(map.size, 0);
    map.close();
  });

  it('refuses use after close', () => {
    const map = new ExpiringMap<number>();
    map.close();
    assert.throws(() => map.set('a', 1, 10), /closed/);
    assert.throws(() => map.take('a'), /closed/);
  });

  it('converts TTLs in seconds, refusing nonsense', () => {
    assert.equal(ttlToMs(60), 60_000);
    assert.equal(ttlToMs(0.0001), 1);
    assert.equal(ttlToMs(0.25), 250);
    for (const bad of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) assert.throws(() => ttlToMs(bad), RangeError);
  });
});

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { UserIdentity, ok, type DomainError, type Result } from '@titan/domain';
import type { IdentityChangeBus } from '../ports/identity-change-bus.port';
import type { IdentityRepository, Page } from '../ports/identity-repository.port';
import { IdentityReader } from './identity-reader';

/** A repository that counts reads and can hold a read open, to exercise the cache's race handling. */
class CountingRepository implements IdentityRepository {
  reads = 0;
  readonly rows = new Map<string, UserIdentity>();
  gate: Promise<void> | null = null;
  async create(identity: UserIdentity): Promise<Result<void, DomainError>> { this.rows.set(identity.id, identity); return ok(undefined); }
  async update(identity: UserIdentity): Promise<Result<void, DomainError>> { this.rows.set(identity.id, identity); return ok(undefined); }
  async findById(id: string): Promise<UserIdentity | null> {
    this.reads++;
    const row = this.rows.get(id) ?? null;
    if (this.gate) await this.gate;
    return row;
  }
  async list(): Promise<Result<Page<UserIdentity>, DomainError>> { return ok({ items: [...this.rows.values()], nextCursor: null }); }
}

class LocalBus implements IdentityChangeBus {
  private listeners: Array<(id: string | null) => void> = [];
  async publish(id: string): Promise<void> { this.listeners.forEach((l) => l(id)); }
  async subscribe(listener: (id: string | null) => void): Promise<void> { this.listeners.push(listener); }
  async close(): Promise<void> {}
  emit(id: string | null): void { this.listeners.forEach((l) => l(id)); }
}

const svc = (id: string) => UserIdentity.register({
  id, key: { thumbprint: 't', jwk: { kty: 'EC', crv: 'P-256', x: 'x', y: 'y' }, createdAt: new Date(0) }, scopes: [], audiences: [], clientSecretHash: null, now: new Date(0),
});

async function setup(maxAgeMs = 60_000) {
  const repo = new CountingRepository();
  const bus = new LocalBus();
  let now = 0;
  const reader = new IdentityReader(repo, bus, { maxAgeMs, maxEntries: 100, nowMs: () => now });
  await reader.start();
  return { repo, bus, reader, advance: (ms: number) => (now += ms) };
}

describe('IdentityReader', () => {
  it('serves repeated reads, including "no such identity", from memory', async () => {
    const { repo, reader } = await setup();
    repo.rows.set('a', svc('a'));
    await reader.find('a');
    await reader.find('a');
    assert.equal(await reader.find('ghost'), null);
    assert.equal(await reader.find('ghost'), null);
    assert.equal(repo.reads, 2);
  });

  it('shares one load between concurrent readers', async () => {
    const { repo, reader } = await setup();
    repo.rows.set('a', svc('a'));
    await Promise.all(Array.from({ length: 20 }, () => reader.find('a')));
    assert.equal(repo.reads, 1);
  });

  it('drops an identity when the bus says it changed, and everything on null', async () => {
    const { repo, bus, reader } = await setup();
    repo.rows.set('a', svc('a'));
    repo.rows.set('b', svc('b'));
    await reader.find('a');
    await reader.find('b');
    bus.emit('a');
    await reader.find('a');
    await reader.find('b');
    assert.equal(repo.reads, 3);
    bus.emit(null);
    await reader.find('a');
    await reader.find('b');
    assert.equal(repo.reads, 5);
  });

  it('sees a revocation published by another instance at once', async () => {
    const { repo, bus, reader } = await setup();
    repo.rows.set('a', svc('a'));
    assert.equal((await reader.find('a'))?.isActive, true);
    const revoked = svc('a').revoke('x', new Date(1));
    assert.ok(revoked.ok);
    repo.rows.set('a', revoked.value);
    bus.emit('a');
    assert.equal((await reader.find('a'))?.isActive, false);
  });

  it('does not cache a read that raced with an invalidation', async () => {
    const { repo, bus, reader } = await setup();
    repo.rows.set('a', svc('a'));
    let release!: () => void;
    repo.gate = new Promise((r) => (release = r));
    const stale = reader.find('a');
    bus.emit('a');
    release();
    await stale;
    repo.gate = null;
    await reader.find('a');
    assert.equal(repo.reads, 2, 'the raced read was not kept');
  });

  it('expires entries after maxAgeMs as a safety net', async () => {
    const { repo, reader, advance } = await setup(1000);
    repo.rows.set('a', svc('a'));
    await reader.find('a');
    advance(999);
    await reader.find('a');
    advance(2);
    await reader.find('a');
    assert.equal(repo.reads, 2);
  });
});

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { ManualClock } from '@titan/testing';
import { KeyEncryption } from './key-encryption';
import { SigningKeyRing } from './signing-key-ring';
import { InMemorySigningKeyRepository } from './testing/in-memory-signing-key.repository';
import { NodeCryptoLane } from './testing/node-crypto-lane';

/** Every lifecycle transition hands the store its audit entry, to be written in the same transaction. */
describe('SigningKeyRing audit entries', () => {
  it('records creation, on-demand publication and revocation with their cause', async () => {
    const repository = new InMemorySigningKeyRepository();
    const ring = new SigningKeyRing({ repository, lane: new NodeCryptoLane(), clock: new ManualClock(), encryption: new KeyEncryption(randomBytes(32)) });
    await ring.init();
    const first = ring.activeKid();
    assert.deepEqual(repository.audited.map((e) => [e.action, e.subject, e.actor]), [['signing_key.created', first, 'titan']]);

    const context = { actor: 'admin', requestId: 'req-7', clientIp: '10.0.0.1' };
    const published = await ring.rotate(undefined, { why: 'on_demand', context });
    const next = published.find((t) => t.kind === 'publish')!.kid;
    const publication = repository.audited.at(-1)!;
    assert.equal(publication.action, 'signing_key.published');
    assert.equal(publication.subject, next);
    assert.equal(publication.actor, 'admin');
    assert.equal(publication.requestId, 'req-7');
    assert.match(publication.reason!, /^on_demand ES256 activates_at=/);

    const revoked = await ring.revoke(first, { why: 'revoked: key leaked', context });
    assert.deepEqual(
      repository.audited.slice(-revoked!.length).map((e) => [e.action, e.subject, e.reason?.split(' ES256')[0]]),
      revoked!.map((t) => [`signing_key.${t.kind === 'activate' ? 'activated' : t.kind === 'revoke' ? 'revoked' : `${t.kind}d`}`, t.kid, 'revoked: key leaked']),
    );
    assert.equal(repository.audited.length, 2 + revoked!.length, 'one entry per transition, nothing twice');
  });
});

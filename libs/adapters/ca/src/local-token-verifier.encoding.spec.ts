import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { serviceTokenClaim } from '@titan/domain';
import { ManualClock } from '@titan/testing';
import { KeyEncryption } from './key-encryption';
import { LocalTokenVerifier } from './local-token-verifier';
import { SigningKeyRing } from './signing-key-ring';
import { InMemorySigningKeyRepository } from './testing/in-memory-signing-key.repository';
import { NodeCryptoLane } from './testing/node-crypto-lane';

const ISSUER = 'http://localhost:8000';

/** Standard base64 with padding: the alphabet differs only where `-`/`_` occur, padding always. */
const padded = (segment: string): string => Buffer.from(segment, 'base64url').toString('base64');

/**
 * A Titan token has exactly one accepted spelling: unpadded base64url in every segment
 * (RFC 7515 section 7.1). jose alone would also accept padding.
 */
describe('LocalTokenVerifier: canonical compact encoding', () => {
  const clock = new ManualClock();
  const ring = new SigningKeyRing(
    { repository: new InMemorySigningKeyRepository(), lane: new NodeCryptoLane(), clock, encryption: new KeyEncryption(randomBytes(32)) },
    { algorithms: ['ES256'] },
  );
  const verifier = new LocalTokenVerifier(ring, clock, { issuer: ISSUER, maxTokenLifetimeSeconds: 900 });
  let token: string;

  before(async () => {
    await ring.init();
    token = await ring.sign(serviceTokenClaim({ issuer: ISSUER, identityId: 'svc', audience: ISSUER, scopes: [], jti: 'j1', now: clock.now(), ttlSeconds: 600 }));
  });

  it('accepts the token as minted', async () => {
    assert.equal((await verifier.verify(token, ISSUER)).ok, true);
  });

  for (const [what, segment, reason] of [['signature', 2, 'malformed_signature'], ['payload', 1, 'malformed_payload'], ['header', 0, 'malformed_header']] as const) {
    it(`refuses a padded or standard-alphabet ${what}, whatever the bytes`, async () => {
      const parts = token.split('.');
      const variants = [`${parts[segment]}=`, `${parts[segment]}==`, padded(parts[segment]!)];
      for (const variant of variants) {
        const spelled = parts.map((p, i) => (i === segment ? variant : p)).join('.');
        const result = await verifier.verifyAnyAudience(spelled);
        assert.equal(result.ok, false, variant);
        assert.equal(!result.ok && result.error.reason, reason);
      }
    });
  }
});

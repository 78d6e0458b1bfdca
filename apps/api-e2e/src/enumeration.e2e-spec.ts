import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { adminToken, bearer, call, challenge } from './support/api';
import { embeddedMode } from './support/deployment-modes';
import { newServiceKey, signProof } from './support/service-key';
import { startTitan, type TitanProcess } from './support/titan-process';

/**
 * PRODUCT.md section 4: a challenge for an unknown identity is answered like a real one and can
 * never succeed. The abuse controls must not tell them apart either: failed proofs lock an unknown
 * identity out exactly as they lock a real one, and the outstanding-challenge cap fills and frees
 * the same way.
 */
describe('no identity enumeration through lockout or the challenge cap', () => {
  const adminKey = newServiceKey();
  const attacker = newServiceKey();
  let titan: TitanProcess;
  let teardown: () => Promise<void>;

  before(async () => {
    const setup = await embeddedMode.setup();
    teardown = setup.teardown;
    titan = await startTitan({
      ...setup.env,
      TITAN_LOCKOUT_THRESHOLD: '3',
      TITAN_LOCKOUT_BASE_SECONDS: '30',
      TITAN_MAX_OUTSTANDING_CHALLENGES: '2',
      TITAN_BOOTSTRAP_ADMIN_JWK: JSON.stringify(adminKey.publicJwk),
    });
    const admin = await adminToken(titan.url, titan.issuer, adminKey);
    for (const id of ['real-svc', 'capped-svc']) {
      assert.equal((await call(titan.url, 'POST', '/v1/identities', { id, publicKey: newServiceKey().publicJwk }, bearer(admin))).status, 201);
    }
  });
  after(async () => {
    await titan?.stop();
    await teardown?.();
  });

  const badProof = async (identityId: string) => {
    const c = await challenge(titan.url, identityId);
    return call(titan.url, 'POST', '/v1/zkp/token', { identityId, challengeId: c.challengeId, signature: signProof(attacker, titan.issuer, identityId, c.challengeId, c.nonce) });
  };

  it('locks a real and an unknown identity out after the same number of bad proofs', async () => {
    for (const identityId of ['real-svc', 'ghost-svc']) {
      for (let i = 0; i < 3; i++) assert.equal((await badProof(identityId)).status, 401, `${identityId} attempt ${i + 1}`);
      const locked = await badProof(identityId);
      assert.equal(locked.status, 429, `${identityId} is locked after 3 bad proofs`);
      assert.ok(Number(locked.headers.get('retry-after')) > 0);
    }
  });

  it('fills and frees the outstanding-challenge cap the same way', async () => {
    for (const identityId of ['capped-svc', 'ghost-capped']) {
      const outstanding = [await challenge(titan.url, identityId), await challenge(titan.url, identityId)];
      const third = await call(titan.url, 'POST', '/v1/zkp/challenge', { identityId });
      assert.equal(third.status, 429, `${identityId}: cap reached`);
      for (const c of outstanding) {
        const proof = await call(titan.url, 'POST', '/v1/zkp/token', {
          identityId, challengeId: c.challengeId, signature: signProof(attacker, titan.issuer, identityId, c.challengeId, c.nonce),
        });
        assert.equal(proof.status, 401);
      }
      assert.equal((await call(titan.url, 'POST', '/v1/zkp/challenge', { identityId })).status, 201, `${identityId}: redeemed challenges free their slots`);
    }
  });
});

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { adminToken, bearer, call, challenge } from './support/api';
import { allModes } from './support/deployment-modes';
import { newServiceKey, signProof, signText } from './support/service-key';
import { startTitan, type TitanProcess } from './support/titan-process';

const INVALID_PROOF = { error: 'invalid_proof', error_description: 'the proof of possession was not accepted' };

/**
 * Every way a proof can fail answers the same 401 body (PRODUCT.md section 4), and a challenge is
 * consumed by the first attempt, success or failure.
 */
for (const mode of allModes()) {
  describe(`handshake negatives (${mode.name})`, { skip: mode.skip }, () => {
    const adminKey = newServiceKey();
    const alice = newServiceKey();
    const bob = newServiceKey();
    let titan: TitanProcess;
    let teardown: () => Promise<void>;
    let admin: string;

    const token = (identityId: string, challengeId: string, signature: string) =>
      call(titan.url, 'POST', '/v1/zkp/token', { identityId, challengeId, signature });
    const assertInvalidProof = (res: { status: number; body: unknown }, what: string) => {
      assert.equal(res.status, 401, what);
      assert.deepEqual(res.body, INVALID_PROOF, what);
    };

    before(async () => {
      const setup = await mode.setup();
      teardown = setup.teardown;
      titan = await startTitan({ ...setup.env, TITAN_CHALLENGE_TTL_SECONDS: '1', TITAN_BOOTSTRAP_ADMIN_JWK: JSON.stringify(adminKey.publicJwk) });
      admin = await adminToken(titan.url, titan.issuer, adminKey);
      for (const [id, key] of [['alice', alice], ['bob', bob]] as const) {
        const res = await call(titan.url, 'POST', '/v1/identities', { id, publicKey: key.publicJwk, scopes: ['x'] }, bearer(admin));
        assert.equal(res.status, 201);
      }
    });
    after(async () => {
      await titan?.stop();
      await teardown?.();
    });

    it('refuses a replayed challenge', async () => {
      const c = await challenge(titan.url, 'alice');
      const sig = signProof(alice, titan.issuer, 'alice', c.challengeId, c.nonce);
      assert.equal((await token('alice', c.challengeId, sig)).status, 200);
      assertInvalidProof(await token('alice', c.challengeId, sig), 'replay');
    });

    it('burns the challenge on a bad signature: the good one after it fails too', async () => {
      const c = await challenge(titan.url, 'alice');
      assertInvalidProof(await token('alice', c.challengeId, signProof(bob, titan.issuer, 'alice', c.challengeId, c.nonce)), 'wrong key');
      assertInvalidProof(await token('alice', c.challengeId, signProof(alice, titan.issuer, 'alice', c.challengeId, c.nonce)), 'good after bad');
    });

    it("refuses another identity's challenge", async () => {
      const c = await challenge(titan.url, 'alice');
      assertInvalidProof(await token('bob', c.challengeId, signProof(bob, titan.issuer, 'bob', c.challengeId, c.nonce)), 'bob redeems alice challenge');
    });

    it('refuses an expired challenge', async () => {
      const c = await challenge(titan.url, 'alice');
      await new Promise((r) => setTimeout(r, 1200));
      assertInvalidProof(await token('alice', c.challengeId, signProof(alice, titan.issuer, 'alice', c.challengeId, c.nonce)), 'expired');
    });

    it('refuses r = s = 0, a signature over the bare nonce, and one for another issuer', async () => {
      let c = await challenge(titan.url, 'alice');
      assertInvalidProof(await token('alice', c.challengeId, Buffer.alloc(64).toString('base64url')), 'r=s=0');
      c = await challenge(titan.url, 'alice');
      assertInvalidProof(await token('alice', c.challengeId, signText(alice, c.nonce)), 'bare nonce');
      c = await challenge(titan.url, 'alice');
      assertInvalidProof(await token('alice', c.challengeId, signProof(alice, 'https://evil.example', 'alice', c.challengeId, c.nonce)), 'other issuer');
    });

    it('answers malformed proofs with 400 and leaves the challenge usable', async () => {
      const c = await challenge(titan.url, 'alice');
      const good = signProof(alice, titan.issuer, 'alice', c.challengeId, c.nonce);
      const der = Buffer.alloc(70, 1).toString('base64url');
      for (const signature of [good + '=', good.slice(0, -2), der, 'not base64!', Buffer.from(good, 'base64url').toString('base64')]) {
        const res = await token('alice', c.challengeId, signature);
        assert.equal(res.status, 400, signature);
        assert.equal(res.body['error'], 'invalid_request');
      }
      assert.equal((await call(titan.url, 'POST', '/v1/zkp/token', { identityId: 'alice', challengeId: c.challengeId })).status, 400);
      assert.equal((await token('alice', c.challengeId, good)).status, 200, 'the challenge survived malformed attempts');
    });

    it('answers an unknown identity like a real one, and its challenge never succeeds', async () => {
      const real = await call(titan.url, 'POST', '/v1/zkp/challenge', { identityId: 'alice' });
      const ghost = await call(titan.url, 'POST', '/v1/zkp/challenge', { identityId: 'nobody-here' });
      assert.equal(ghost.status, real.status);
      assert.deepEqual(Object.keys(ghost.body).sort(), Object.keys(real.body).sort());
      assert.equal((ghost.body['nonce'] as string).length, 43);
      const sig = signProof(alice, titan.issuer, 'nobody-here', ghost.body['challengeId'] as string, ghost.body['nonce'] as string);
      assertInvalidProof(await token('nobody-here', ghost.body['challengeId'] as string, sig), 'decoy');
    });

    it('refuses scopes and audiences the identity is not allowed', async () => {
      const scope = await call(titan.url, 'POST', '/v1/zkp/challenge', { identityId: 'alice', scope: 'x admin:everything' });
      assert.equal(scope.status, 400);
      assert.equal(scope.body['error'], 'invalid_scope');
      const target = await call(titan.url, 'POST', '/v1/zkp/challenge', { identityId: 'alice', audience: 'https://elsewhere' });
      assert.equal(target.status, 400);
      assert.equal(target.body['error'], 'invalid_target');
    });

    it('refuses a proof from a revoked identity and never reuses its id', async () => {
      const c = await challenge(titan.url, 'bob');
      const revoked = await call(titan.url, 'POST', '/v1/identities/bob/revoke', { reason: 'test' }, bearer(admin));
      assert.equal(revoked.status, 200);
      assert.equal(revoked.body['status'], 'revoked');
      assertInvalidProof(await token('bob', c.challengeId, signProof(bob, titan.issuer, 'bob', c.challengeId, c.nonce)), 'revoked');
      const again = await call(titan.url, 'POST', '/v1/identities', { id: 'bob', publicKey: newServiceKey().publicJwk }, bearer(admin));
      assert.equal(again.status, 409, 'a revoked id is never reused');
    });
  });
}

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { adminToken, bearer, call, challenge } from './support/api';
import { embeddedMode, productionMode, type DeploymentMode } from './support/deployment-modes';
import { newServiceKey, signProof } from './support/service-key';
import { startTitan, type TitanProcess } from './support/titan-process';

const PARALLEL_PROOFS = 50;

/**
 * A challenge is consumed atomically by the first proof: 50 concurrent proofs yield exactly one token,
 * on one embedded instance, and on two production instances sharing PostgreSQL and Redis.
 */
const setups: Array<{ mode: DeploymentMode; instances: number }> = [
  { mode: embeddedMode, instances: 1 },
  { mode: productionMode(), instances: 2 },
];

for (const { mode, instances } of setups) {
  describe(`${PARALLEL_PROOFS} concurrent proofs for one challenge (${mode.name}, ${instances} instance(s))`, { skip: mode.skip }, () => {
    const adminKey = newServiceKey();
    const key = newServiceKey();
    const servers: TitanProcess[] = [];
    let teardown: () => Promise<void>;

    before(async () => {
      const setup = await mode.setup();
      teardown = setup.teardown;
      // One issuer for the whole deployment, as behind a load balancer.
      const env = { ...setup.env, TITAN_ISSUER: 'http://titan.test', TITAN_BOOTSTRAP_ADMIN_JWK: JSON.stringify(adminKey.publicJwk) };
      for (let i = 0; i < instances; i++) servers.push(await startTitan(env));
      const admin = await adminToken(servers[0]!.url, 'http://titan.test', adminKey);
      assert.equal((await call(servers[0]!.url, 'POST', '/v1/identities', { id: 'racer', publicKey: key.publicJwk }, bearer(admin))).status, 201);
    });
    after(async () => {
      await Promise.all(servers.map((s) => s.stop()));
      await teardown?.();
    });

    it('yields exactly one token', async () => {
      for (let round = 0; round < 3; round++) {
        const c = await challenge(servers[round % servers.length]!.url, 'racer');
        const signature = signProof(key, 'http://titan.test', 'racer', c.challengeId, c.nonce);
        const answers = await Promise.all(
          Array.from({ length: PARALLEL_PROOFS }, (_, i) =>
            call(servers[i % servers.length]!.url, 'POST', '/v1/zkp/token', { identityId: 'racer', challengeId: c.challengeId, signature })),
        );
        const statuses = answers.map((a) => a.status);
        assert.equal(statuses.filter((s) => s === 200).length, 1, `round ${round}: ${JSON.stringify(statuses)}`);
        assert.equal(statuses.filter((s) => s === 401).length, PARALLEL_PROOFS - 1);
      }
    });

    if (instances > 1) {
      it('redeems at one instance a challenge issued by another, and a revocation at A blocks B at once', async () => {
        const [a, b] = servers as [TitanProcess, TitanProcess];
        const c = await challenge(a.url, 'racer');
        const ok = await call(b.url, 'POST', '/v1/zkp/token', { identityId: 'racer', challengeId: c.challengeId, signature: signProof(key, 'http://titan.test', 'racer', c.challengeId, c.nonce) });
        assert.equal(ok.status, 200);
        const admin = await adminToken(a.url, 'http://titan.test', adminKey);
        // B has the identity cached from the proof above; the change bus must evict it.
        assert.equal((await call(a.url, 'POST', '/v1/identities/racer/revoke', { reason: 'test' }, bearer(admin))).status, 200);
        const started = Date.now();
        let status = 0;
        while (Date.now() - started < 1000) {
          const c2 = await challenge(b.url, 'racer');
          status = (await call(b.url, 'POST', '/v1/zkp/token', { identityId: 'racer', challengeId: c2.challengeId, signature: signProof(key, 'http://titan.test', 'racer', c2.challengeId, c2.nonce) })).status;
          if (status === 401) break;
        }
        assert.equal(status, 401, 'revocation seen at B within one second');
      });
    }
  });
}

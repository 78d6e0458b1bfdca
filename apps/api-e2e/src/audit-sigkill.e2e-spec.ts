import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { allAuditEntries, auditVerify } from './audit-e2e.support';
import { adminToken, bearer, call } from './support/api';
import { productionMode } from './support/deployment-modes';
import { newServiceKey, signProof, type ServiceKey } from './support/service-key';
import { freePort, startTitan, type TitanProcess } from './support/titan-process';

const LOAD_MS = 2_000;
const REGISTRATION_WORKERS = 8;
const HANDSHAKE_IDENTITIES = 8;
const REVOCABLE_IDENTITIES = 40;

interface Redeemed {
  readonly identityId: string;
  readonly challengeId: string;
  readonly signature: string;
}

/** Resolves with the HTTP status, or null when the connection died (the instance was killed). */
async function attempt(run: () => Promise<{ status: number }>): Promise<number | null> {
  try {
    return (await run()).status;
  } catch {
    return null;
  }
}

/**
 * An instance killed with SIGKILL in the middle of registrations, revocations and handshakes, then
 * restarted on the same PostgreSQL and Redis: every acknowledged change is there with its audit
 * entry, every change that is there has its entry (counts match), the chain verifies, and no
 * challenge was consumed twice.
 */
const mode = productionMode();
describe('SIGKILL under load, then restart (production)', { skip: mode.skip }, () => {
  const adminKey = newServiceKey();
  let env: Record<string, string>;
  let teardown: () => Promise<void>;
  let titan: TitanProcess;

  before(async () => {
    ({ env, teardown } = await mode.setup());
    env = { ...env, PORT: String(await freePort()), TITAN_BOOTSTRAP_ADMIN_JWK: JSON.stringify(adminKey.publicJwk) };
    titan = await startTitan(env);
  });
  after(async () => {
    await titan?.stop();
    await teardown?.();
  });

  it('loses no committed identity change, keeps the audit chain whole and every challenge single-use', async (t) => {
    const admin = await adminToken(titan.url, titan.issuer, adminKey);
    const auth = bearer(admin);
    const services = new Map<string, ServiceKey>();
    for (let i = 0; i < HANDSHAKE_IDENTITIES + REVOCABLE_IDENTITIES; i++) {
      const id = i < HANDSHAKE_IDENTITIES ? `caller-${i}` : `doomed-${i}`;
      const key = newServiceKey();
      const created = await call(titan.url, 'POST', '/v1/identities', { id, publicKey: key.publicJwk }, auth);
      assert.equal(created.status, 201, JSON.stringify(created.body));
      services.set(id, key);
    }

    const registered: string[] = [];
    const revoked: string[] = [];
    const redeemed: Redeemed[] = [];
    const unanswered: Redeemed[] = [];
    let lostRegistrations = 0;
    let dead = false;

    const registrations = async (worker: number) => {
      for (let n = 0; !dead; n++) {
        const id = `load-${worker}-${n}`;
        const status = await attempt(() => call(titan.url, 'POST', '/v1/identities', { id, publicKey: newServiceKey().publicJwk }, auth));
        if (status === null) return void lostRegistrations++;
        assert.equal(status, 201);
        registered.push(id);
      }
    };
    const revocations = async (ids: string[]) => {
      for (const id of ids) {
        if (dead) return;
        const status = await attempt(() => call(titan.url, 'POST', `/v1/identities/${id}/revoke`, { reason: 'load test' }, auth));
        if (status === null) return;
        assert.equal(status, 200);
        revoked.push(id);
      }
    };
    const handshakes = async (identityId: string) => {
      const key = services.get(identityId)!;
      while (!dead) {
        let c: { status: number; body: Record<string, unknown> };
        try {
          c = await call(titan.url, 'POST', '/v1/zkp/challenge', { identityId });
        } catch {
          return;
        }
        assert.equal(c.status, 201);
        const challengeId = c.body['challengeId'] as string;
        const proof = { identityId, challengeId, signature: signProof(key, titan.issuer, identityId, challengeId, c.body['nonce'] as string) };
        const status = await attempt(() => call(titan.url, 'POST', '/v1/zkp/token', proof));
        if (status === null) {
          unanswered.push(proof);
          return;
        }
        assert.equal(status, 200);
        redeemed.push(proof);
      }
    };

    const doomed = [...services.keys()].filter((id) => id.startsWith('doomed-'));
    const load = Promise.all([
      ...Array.from({ length: REGISTRATION_WORKERS }, (_, worker) => registrations(worker)),
      revocations(doomed.slice(0, REVOCABLE_IDENTITIES / 2)),
      revocations(doomed.slice(REVOCABLE_IDENTITIES / 2)),
      ...[...services.keys()].filter((id) => id.startsWith('caller-')).map(handshakes),
    ]);
    await new Promise((r) => setTimeout(r, LOAD_MS));
    titan.process.kill('SIGKILL');
    await titan.stop();
    dead = true;
    await load;
    assert.ok(registered.length > 0 && redeemed.length > 0 && revoked.length > 0,
      `load reached the server (registered ${registered.length}, revoked ${revoked.length}, redeemed ${redeemed.length})`);

    t.diagnostic(`before SIGKILL: ${registered.length} registrations, ${revoked.length} revocations, ${redeemed.length} tokens acknowledged; ${lostRegistrations} registrations and ${unanswered.length} proofs unanswered`);

    titan = await startTitan(env);
    const admin2 = await adminToken(titan.url, titan.issuer, adminKey);

    // Every acknowledged change is there.
    for (const id of registered) assert.equal((await call(titan.url, 'GET', `/v1/identities/${id}`, undefined, bearer(admin2))).status, 200, id);
    for (const id of revoked) assert.equal((await call(titan.url, 'GET', `/v1/identities/${id}`, undefined, bearer(admin2))).body['status'], 'revoked', id);

    // Every change that is there has exactly one audit entry, and nothing was audited that did not happen.
    const identities: Array<{ id: string; status: string }> = [];
    let cursor: string | null = null;
    do {
      const page: { body: { items: Array<{ id: string; status: string }>; nextCursor: string | null } } =
        await call(titan.url, 'GET', `/v1/identities?limit=100${cursor ? `&cursor=${cursor}` : ''}`, undefined, bearer(admin2));
      identities.push(...page.body.items);
      cursor = page.body.nextCursor;
    } while (cursor !== null);
    const entries = await allAuditEntries(titan.url, admin2);
    const subjectsOf = (action: string) => entries.filter((e) => e.action === action).map((e) => e.subject!).sort();
    assert.deepEqual(subjectsOf('identity.registered'), identities.filter((i) => i.id !== 'admin').map((i) => i.id).sort());
    assert.deepEqual(subjectsOf('identity.revoked'), identities.filter((i) => i.status === 'revoked').map((i) => i.id).sort());
    assert.deepEqual(subjectsOf('admin.bootstrapped'), ['admin']);

    // The chain verifies, straight from the store, while the restarted instance serves.
    const verified = await auditVerify(env, ['--expect-at-least', String(entries.length)]);
    assert.equal(verified.code, 0, verified.stdout + verified.stderr);
    assert.match(verified.stdout, /^ok \(\d+ entries\)/);

    // A challenge whose proof got 200 is spent for good; one whose answer was lost is redeemed at most once.
    for (const proof of redeemed) {
      const replay = await call(titan.url, 'POST', '/v1/zkp/token', proof);
      assert.equal(replay.status, 401, `challenge ${proof.challengeId} was redeemed twice`);
      assert.equal(replay.body['error'], 'invalid_proof');
    }
    for (const proof of unanswered) {
      const results = await Promise.all([1, 2].map(() => call(titan.url, 'POST', '/v1/zkp/token', proof)));
      assert.ok(results.filter((r) => r.status === 200).length <= 1, `challenge ${proof.challengeId} was redeemed twice`);
    }
  });
});

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { allAuditEntries, asDba, auditVerify, type AuditEntryBody } from './audit-e2e.support';
import { adminToken, bearer, call, challenge, handshake } from './support/api';
import { allModes, embeddedMode } from './support/deployment-modes';
import { newServiceKey, signText } from './support/service-key';
import { freePort, startTitan, type TitanProcess } from './support/titan-process';

const HEX64 = /^[0-9a-f]{64}$/;

/**
 * The tamper-evident audit log from the outside: identity changes and failed proofs show up in
 * GET /v1/audit; then, with the server stopped, a DBA edits one entry and deletes another, and
 * `titan audit verify` (the real CLI) names each one's sequence number and exits 1.
 */
for (const mode of allModes()) {
  describe(`audit log (${mode.name})`, { skip: mode.skip }, () => {
    const adminKey = newServiceKey();
    const serviceKey = newServiceKey();
    const nextKey = newServiceKey();
    let env: Record<string, string>;
    let teardown: () => Promise<void>;
    let titan: TitanProcess;
    let admin: string;

    before(async () => {
      ({ env, teardown } = await mode.setup());
      env = { ...env, PORT: String(await freePort()), TITAN_BOOTSTRAP_ADMIN_JWK: JSON.stringify(adminKey.publicJwk) };
      titan = await startTitan(env);
      admin = await adminToken(titan.url, titan.issuer, adminKey);
    });
    after(async () => {
      await titan?.stop();
      await teardown?.();
    });

    it('records identity lifecycle, the admin bootstrap and failed proofs, newest first', async () => {
      const created = await call(titan.url, 'POST', '/v1/identities', { id: 'orders-api', publicKey: serviceKey.publicJwk, scopes: ['orders:read'] }, bearer(admin));
      assert.equal(created.status, 201, JSON.stringify(created.body));
      const firstThumbprint = (created.body['keys'] as Array<{ thumbprint: string }>)[0]!.thumbprint;
      const added = await call(titan.url, 'POST', '/v1/identities/orders-api/keys', { publicKey: nextKey.publicJwk }, bearer(admin));
      assert.equal(added.status, 201, JSON.stringify(added.body));
      const addedThumbprint = (added.body['keys'] as Array<{ thumbprint: string }>).find((k) => k.thumbprint !== firstThumbprint)!.thumbprint;
      assert.equal((await call(titan.url, 'DELETE', `/v1/identities/orders-api/keys/${firstThumbprint}`, undefined, bearer(admin))).status, 200);
      // A proof signed by the wrong key: the caller sees invalid_proof, the audit log the exact reason.
      const c = await challenge(titan.url, 'orders-api');
      const forged = await call(titan.url, 'POST', '/v1/zkp/token', {
        identityId: 'orders-api', challengeId: c.challengeId, signature: signText(newServiceKey(), 'not the proof message'),
      });
      assert.equal(forged.status, 401);
      assert.equal(forged.body['error'], 'invalid_proof');
      const revoked = await call(titan.url, 'POST', '/v1/identities/orders-api/revoke', { reason: 'host decommissioned' }, bearer(admin));
      assert.equal(revoked.status, 200, JSON.stringify(revoked.body));

      const entries = await allAuditEntries(titan.url, admin);
      const seqs = entries.map((e) => e.seq);
      assert.deepEqual(seqs, Array.from({ length: seqs.length }, (_, i) => seqs.length - i), 'newest first, from the head down to 1, no gaps');
      for (const e of entries) assert.match(e.hash, HEX64);

      const bootstrap = entries.filter((e) => e.action === 'admin.bootstrapped');
      assert.deepEqual(
        bootstrap.map((e) => ({ subject: e.subject, actor: e.actor, outcome: e.outcome })),
        [{ subject: 'admin', actor: 'TITAN_BOOTSTRAP_ADMIN_JWK', outcome: 'success' }],
      );
      assert.ok(entries.some((e) => e.action === 'signing_key.created'), 'the first signing key is audited too');
      const orders = entries.filter((e) => e.subject === 'orders-api');
      assert.deepEqual(orders.map((e) => [e.action, e.outcome, e.reason]), [
        ['identity.revoked', 'success', 'host decommissioned'],
        ['proof.failed', 'failure', 'bad_signature'],
        ['identity.key_retired', 'success', `key ${firstThumbprint}`],
        ['identity.key_added', 'success', `key ${addedThumbprint}`],
        ['identity.registered', 'success', `key ${firstThumbprint}`],
      ]);
      for (const e of orders) {
        assert.equal(e.actor, e.action === 'proof.failed' ? 'orders-api' : 'admin');
        assert.equal(e.clientIp, '127.0.0.1');
        assert.ok(e.requestId, 'every request-driven entry carries the request id');
        assert.ok(!Number.isNaN(Date.parse(e.at)));
      }
      // Successful mints (the admin's handshake) are metrics, not audit rows, by default.
      assert.deepEqual(entries.filter((e) => e.action === 'token.minted'), []);
    });

    it('writes nothing for a refused change', async () => {
      const before = (await call(titan.url, 'GET', '/v1/audit/head', undefined, bearer(admin))).body;
      const duplicate = await call(titan.url, 'POST', '/v1/identities', { id: 'orders-api', publicKey: newServiceKey().publicJwk }, bearer(admin));
      assert.equal(duplicate.status, 409);
      const keyTaken = await call(titan.url, 'POST', '/v1/identities', { id: 'copycat', publicKey: nextKey.publicJwk }, bearer(admin));
      assert.equal(keyTaken.status, 409);
      const revokedAgain = await call(titan.url, 'POST', '/v1/identities/orders-api/keys', { publicKey: newServiceKey().publicJwk }, bearer(admin));
      assert.equal(revokedAgain.status, 409);
      assert.deepEqual((await call(titan.url, 'GET', '/v1/audit/head', undefined, bearer(admin))).body, before);
    });

    it('pages with limit and cursor, names the head, and serves admins only', async () => {
      const all = await allAuditEntries(titan.url, admin);
      const paged = await allAuditEntries(titan.url, admin, 2);
      assert.deepEqual(paged, all);
      const head = await call(titan.url, 'GET', '/v1/audit/head', undefined, bearer(admin));
      assert.equal(head.status, 200);
      assert.deepEqual(head.body, { seq: all[0]!.seq, hash: all[0]!.hash, at: all[0]!.at });

      for (const query of ['?cursor=bm90LW91cnM', '?limit=0', '?limit=101', '?limit=ten', '?order=asc']) {
        const refused = await call(titan.url, 'GET', `/v1/audit${query}`, undefined, bearer(admin));
        assert.equal(refused.status, 400, query);
        assert.equal(refused.body['error'], 'invalid_request', query);
      }
      assert.equal((await call(titan.url, 'GET', '/v1/audit')).status, 401);
      const reader = newServiceKey();
      assert.equal((await call(titan.url, 'POST', '/v1/identities', { id: 'reader', publicKey: reader.publicJwk, scopes: ['orders:read'] }, bearer(admin))).status, 201);
      const notAdmin = await handshake(titan.url, titan.issuer, 'reader', reader, { audience: titan.issuer });
      assert.equal(notAdmin.status, 200, JSON.stringify(notAdmin.body));
      const forbidden = await call(titan.url, 'GET', '/v1/audit', undefined, bearer(notAdmin.body['access_token'] as string));
      assert.equal(forbidden.status, 403);
      assert.equal((await call(titan.url, 'GET', '/v1/audit/head', undefined, bearer(notAdmin.body['access_token'] as string))).status, 403);
    });

    it('titan audit verify names an edited and a deleted entry by sequence number', async () => {
      const entries = await allAuditEntries(titan.url, admin);
      const head = entries[0]!;
      if (mode.name === 'production') {
        // PostgreSQL can be checked while Titan serves.
        const live = await auditVerify(env);
        assert.equal(live.code, 0, live.stdout + live.stderr);
        assert.match(live.stdout, new RegExp(`^ok \\(${head.seq} entries\\)\\nhead ${head.seq}:${head.hash} `));
      } else {
        const locked = await auditVerify(env);
        assert.equal(locked.code, 1);
        assert.match(locked.stderr, /data_dir_locked/);
      }
      await titan.stop();

      const intact = await auditVerify(env);
      assert.equal(intact.code, 0, intact.stdout + intact.stderr);
      assert.match(intact.stdout, new RegExp(`^ok \\(${head.seq} entries\\)\\nhead ${head.seq}:${head.hash} `));

      // 1. An edited entry: the revocation's reason rewritten.
      const edited = entries.find((e) => e.action === 'identity.revoked')!;
      await asDba(env, [[`UPDATE audit_log SET reason = 'routine maintenance' WHERE seq = $1`, [edited.seq]]]);
      const afterEdit = await auditVerify(env);
      assert.equal(afterEdit.code, 1, afterEdit.stdout + afterEdit.stderr);
      assert.equal(afterEdit.stdout, `broken at entry ${edited.seq}: entry ${edited.seq} was altered (hash mismatch)\n`);
      const asJson = await auditVerify(env, ['--json']);
      assert.equal(asJson.code, 1);
      assert.deepEqual(JSON.parse(asJson.stdout), { ok: false, brokenAtSeq: edited.seq, reason: `entry ${edited.seq} was altered (hash mismatch)` });
      await asDba(env, [[`UPDATE audit_log SET reason = $2 WHERE seq = $1`, [edited.seq, edited.reason]]]);
      assert.equal((await auditVerify(env)).code, 0, 'restored');

      // 2. A deleted entry: the failed proof removed.
      const deleted = entries.find((e) => e.action === 'proof.failed')!;
      const [row] = (await asDba(env, [['SELECT * FROM audit_log WHERE seq = $1', [deleted.seq]], ['DELETE FROM audit_log WHERE seq = $1', [deleted.seq]]]))[0]!;
      const afterDelete = await auditVerify(env);
      assert.equal(afterDelete.code, 1, afterDelete.stdout + afterDelete.stderr);
      assert.equal(afterDelete.stdout, `broken at entry ${deleted.seq}: entry ${deleted.seq} is missing (next is ${deleted.seq + 1})\n`);
      const columns = Object.keys(row!);
      await asDba(env, [[
        `INSERT INTO audit_log (${columns.join(', ')}) VALUES (${columns.map((_, i) => `$${i + 1}`).join(', ')})`, columns.map((c) => row![c]),
      ]]);
      assert.equal((await auditVerify(env)).code, 0, 'restored');

      // 3. The newest entry deleted: the shorter chain is valid in itself; a head or count noted elsewhere catches it.
      await asDba(env, [['DELETE FROM audit_log WHERE seq = $1', [head.seq]]]);
      const truncated = await auditVerify(env);
      assert.equal(truncated.code, 0, truncated.stdout + truncated.stderr);
      assert.match(truncated.stdout, new RegExp(`^ok \\(${head.seq - 1} entries\\)`));
      const anchored = await auditVerify(env, ['--expect-head', `${head.seq}:${head.hash}`]);
      assert.equal(anchored.code, 1, anchored.stdout + anchored.stderr);
      assert.match(anchored.stdout, new RegExp(`^broken at entry ${head.seq}: entry ${head.seq} is missing`));
      const counted = await auditVerify(env, ['--expect-at-least', String(head.seq)]);
      assert.equal(counted.code, 1, counted.stdout + counted.stderr);
      assert.match(counted.stdout, new RegExp(`^broken at entry ${head.seq}: `), counted.stderr);
      const usage = await auditVerify(env, ['--expect-head', 'latest']);
      assert.equal(usage.code, 2);
    });
  });
}

describe('audit of successful mints with TITAN_AUDIT_MINTS=true', () => {
  const adminKey = newServiceKey();
  let teardown: () => Promise<void>;
  let titan: TitanProcess;

  before(async () => {
    const setup = await embeddedMode.setup();
    teardown = setup.teardown;
    titan = await startTitan({ ...setup.env, TITAN_AUDIT_MINTS: 'true', TITAN_BOOTSTRAP_ADMIN_JWK: JSON.stringify(adminKey.publicJwk) });
  });
  after(async () => {
    await titan?.stop();
    await teardown?.();
  });

  it('writes token.minted with the token id, audience and scope', async () => {
    const token = await adminToken(titan.url, titan.issuer, adminKey);
    const claims = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as Record<string, string>;
    const entries: AuditEntryBody[] = await allAuditEntries(titan.url, token);
    const minted = entries.filter((e) => e.action === 'token.minted');
    assert.equal(minted.length, 1);
    assert.deepEqual(
      { actor: minted[0]!.actor, subject: minted[0]!.subject, outcome: minted[0]!.outcome, reason: minted[0]!.reason, clientIp: minted[0]!.clientIp },
      { actor: 'admin', subject: 'admin', outcome: 'success', reason: `jti=${claims['jti']} aud=${titan.issuer} scope="titan:admin"`, clientIp: '127.0.0.1' },
    );
    assert.ok(minted[0]!.requestId);
  });
});

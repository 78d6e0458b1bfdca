import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createPublicKey, randomBytes, verify, type KeyObject } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AppliedKeyTransition, CryptoLane } from '@titan/application';
import { checkKeyRotationSchedule, serviceTokenClaim, type KeyRotationSchedule, type SigningAlgorithm } from '@titan/domain';
import { KeyEncryption, LocalTokenVerifier, SigningKeyRing } from '@titan/adapter-ca';
import { createCryptoLane } from '@titan/adapter-crypto-lane';
import { createPersistence, type Persistence } from '@titan/adapter-persistence';
import { ManualClock, postgresRequirement } from '@titan/testing';

const postgres = postgresRequirement();
const POSTGRES_URL = postgres.url;

/**
 * The rotation test of issue 3: the real key ring on the real repository (PGlite and PostgreSQL),
 * time from a manual clock, tiny lifetimes. Two Titan instances tick staggered, mint tokens all the
 * time, and resource servers that cache the JWKS for exactly the advertised max-age (re-fetching
 * only when their copy is older) verify every live token at every step: no failure is allowed while
 * keys go next → active → retired → removed, on schedule and on demand.
 */

// P = 20 s, M = 3 s, L = 5 s, S = 1 s, D = 1 s: L + S + M + 3D = 12 ≤ P.
const SCHEDULE: KeyRotationSchedule = { rotationPeriodSeconds: 20, jwksMaxAgeSeconds: 3, maxTokenLifetimeSeconds: 5, clockSkewSeconds: 1, propagationSeconds: 1 };
const ISSUER = 'https://titan.test';
const ALGS: SigningAlgorithm[] = ['ES256', 'RS256'];
const STEP_MS = 500;

interface Instance {
  readonly ring: SigningKeyRing;
  readonly verifier: LocalTokenVerifier;
}

type Jwks = { keys: Array<Record<string, string>> };

/**
 * A resource server as the verifier SDK or any JOSE library would be configured: keeps a copy of the
 * JWKS for max-age (from the response) and never re-fetches earlier, looks the token's kid up in
 * it, requires that key's alg, checks signature, typ, iss, aud and exp with the skew.
 */
class CachingResourceServer {
  private cached: { jwks: Jwks; fetchedAt: number; maxAgeMs: number } | null = null;
  private readonly parsed = new Map<string, KeyObject>();
  fetches = 0;

  constructor(private readonly clock: ManualClock, private readonly fetchFrom: () => Instance) {}

  async verify(token: string): Promise<void> {
    const now = this.clock.now().getTime();
    if (!this.cached || now - this.cached.fetchedAt >= this.cached.maxAgeMs) {
      const ring = this.fetchFrom().ring;
      this.cached = { jwks: JSON.parse(JSON.stringify(await ring.jwks())) as Jwks, fetchedAt: now, maxAgeMs: ring.cacheMaxAgeSeconds() * 1000 };
      this.fetches++;
    }
    const [h, p, sig] = token.split('.') as [string, string, string];
    const header = JSON.parse(Buffer.from(h, 'base64url').toString()) as Record<string, string>;
    const claims = JSON.parse(Buffer.from(p, 'base64url').toString()) as Record<string, unknown>;
    const jwk = this.cached.jwks.keys.find((k) => k['kid'] === header['kid']);
    if (!jwk) throw new Error(`unknown kid ${header['kid']} in a JWKS fetched ${now - this.cached.fetchedAt} ms ago`);
    if (jwk['alg'] !== header['alg'] || header['typ'] !== 'at+jwt') throw new Error('header mismatch');
    let key = this.parsed.get(jwk['kid']!);
    if (!key) this.parsed.set(jwk['kid']!, (key = createPublicKey({ key: jwk, format: 'jwk' })));
    const input = Buffer.from(`${h}.${p}`);
    const ok = header['alg'] === 'ES256'
      ? verify('sha256', input, { key, dsaEncoding: 'ieee-p1363' }, Buffer.from(sig, 'base64url'))
      : verify('sha256', input, key, Buffer.from(sig, 'base64url'));
    if (!ok) throw new Error('bad signature');
    if (claims['iss'] !== ISSUER || claims['aud'] !== ISSUER) throw new Error('iss/aud');
    if ((claims['exp'] as number) + SCHEDULE.clockSkewSeconds <= now / 1000) throw new Error('expired');
  }
}

function instance(persistence: Persistence, kek: Uint8Array, clock: ManualClock, lane: CryptoLane): Instance {
  const ring = new SigningKeyRing({ repository: persistence.signingKeys, lane, clock, encryption: new KeyEncryption(kek) }, { algorithms: ALGS, schedule: SCHEDULE });
  const verifier = new LocalTokenVerifier(ring, clock, { issuer: ISSUER, maxTokenLifetimeSeconds: SCHEDULE.maxTokenLifetimeSeconds, clockToleranceSeconds: SCHEDULE.clockSkewSeconds });
  return { ring, verifier };
}

function rotationSuite(name: string, open: () => Promise<{ instances: [Persistence, Persistence]; close(): Promise<void> }>, skip: string | false = false): void {
  describe(`signing-key rotation on ${name}`, { skip }, () => {
    const clock = new ManualClock(new Date('2026-03-01T00:00:00.000Z'));
    const kek = randomBytes(32);
    const lane = createCryptoLane('inline');
    let stores: { instances: [Persistence, Persistence]; close(): Promise<void> };
    let a: Instance;
    let b: Instance;

    before(async () => {
      assert.equal(checkKeyRotationSchedule(SCHEDULE).ok, true);
      stores = await open();
      a = instance(stores.instances[0], kek, clock, lane);
      b = instance(stores.instances[1], kek, clock, lane);
      await Promise.all([a.ring.init(), b.ring.init()]);
    });
    after(async () => {
      await lane.close();
      await stores?.close();
    });

    it('publish → activate → retire → remove, on schedule and on demand, with zero verification failures', async () => {
      const transitions: AppliedKeyTransition[] = [];
      const servers = [
        new CachingResourceServer(clock, () => a),
        new CachingResourceServer(clock, () => b),
        new CachingResourceServer(clock, () => (clock.now().getTime() % 2000 < 1000 ? a : b)),
      ];
      const live: Array<{ token: string; exp: number; alg: SigningAlgorithm }> = [];
      const kidsSigning = new Set<string>();
      let verifications = 0;
      const failures: string[] = [];
      const totalMs = 3.6 * SCHEDULE.rotationPeriodSeconds * 1000;
      for (let t = 0; t <= totalMs; t += STEP_MS) {
        // Instance a refreshes on whole seconds, b half a second later: each lags the other by up to D.
        if (t % 1000 === 0) transitions.push(...(await a.ring.tick()));
        if (t % 1000 === 500) transitions.push(...(await b.ring.tick()));
        // An operator rotates ES256 on demand a third of the way into the second period.
        if (t === 27_000) transitions.push(...(await a.ring.rotate(['ES256'])));

        const minter = t % 500 === 0 ? a : b;
        for (const alg of ALGS) {
          const claims = serviceTokenClaim({
            issuer: ISSUER, identityId: 'svc', audience: ISSUER, scopes: [], jti: randomBytes(8).toString('base64url'), now: clock.now(),
            ttlSeconds: SCHEDULE.maxTokenLifetimeSeconds,
          });
          live.push({ token: await minter.ring.signWith(alg, claims), exp: claims.exp, alg });
          kidsSigning.add(minter.ring.activeKid(alg));
        }
        const nowSeconds = clock.now().getTime() / 1000;
        while (live.length > 0 && live[0]!.exp < nowSeconds) live.shift();
        for (const { token } of live) {
          for (const [i, server] of servers.entries()) {
            verifications++;
            await server.verify(token).catch((e: Error) => failures.push(`t=${t} server ${i}: ${e.message}`));
          }
          for (const titan of t % 1000 === 0 ? [a, b] : []) {
            verifications++;
            const verdict = await titan.verifier.verify(token, ISSUER);
            if (!verdict.ok) failures.push(`t=${t} titan: ${verdict.error.reason}`);
          }
        }
        clock.advance(STEP_MS);
      }

      assert.deepEqual(failures.slice(0, 5), [], `${failures.length} failures of ${verifications} verifications`);
      assert.ok(verifications > 10_000, `verifications: ${verifications}`);
      const count = (kind: string, alg: SigningAlgorithm) => transitions.filter((x) => x.kind === kind && x.alg === alg).length;
      for (const alg of ALGS) {
        for (const kind of ['publish', 'activate', 'retire', 'remove']) assert.ok(count(kind, alg) >= 3, `${alg} ${kind}: ${count(kind, alg)}`);
      }
      assert.ok(count('publish', 'ES256') > count('publish', 'RS256'), 'the on-demand rotation touched ES256 only');
      assert.equal(new Set(transitions.map((x) => `${x.kind}:${x.kid}`)).size, transitions.length, 'no transition made twice by two instances');
      assert.ok(transitions.every((x) => x.kind !== 'activate' || x.early === false), 'never an early activation outside revocation');
      // Every key that signed went through the whole lifecycle in storage.
      const stored = await stores.instances[0].signingKeys.list();
      const removed = stored.filter((k) => k.state === 'removed');
      assert.ok(removed.length >= 6, `removed: ${removed.length}`);
      for (const k of removed) {
        assert.ok(k.activatedAt && k.retiredAt && k.removedAt, `${k.kid} has every timestamp`);
        assert.equal(k.encryptedPrivateKey, '');
      }
      assert.ok(kidsSigning.size >= 7, `distinct signing keys: ${kidsSigning.size}`);
      for (const server of servers) assert.ok(server.fetches >= 15, 'the resource servers kept re-fetching on max-age');
    });

    it('of several instances ticking at once, exactly one makes each transition', async () => {
      const rings = [a, b, instance(stores.instances[0], kek, clock, lane), instance(stores.instances[1], kek, clock, lane)].map((i) => i.ring);
      await Promise.all(rings.map((r) => r.init()));
      const applied: AppliedKeyTransition[] = [];
      for (let t = 0; t < 2 * SCHEDULE.rotationPeriodSeconds * 1000; t += 500) {
        applied.push(...(await Promise.all(rings.map((r) => r.tick()))).flat());
        clock.advance(500);
      }
      assert.ok(applied.filter((x) => x.kind === 'activate').length >= 2 * ALGS.length);
      assert.equal(new Set(applied.map((x) => `${x.kind}:${x.kid}`)).size, applied.length);
      const stored = await stores.instances[1].signingKeys.list();
      for (const alg of ALGS) assert.equal(stored.filter((k) => k.alg === alg && k.state === 'active').length, 1);
      await Promise.all(rings.map((r) => r.reload()));
      for (const alg of ALGS) assert.equal(new Set(rings.map((r) => r.activeKid(alg))).size, 1);
    });

    it('an emergency revocation unpublishes the key at once and its tokens stop verifying at Titan', async () => {
      const claims = serviceTokenClaim({ issuer: ISSUER, identityId: 'svc', audience: ISSUER, scopes: [], jti: 'j', now: clock.now(), ttlSeconds: 5 });
      const token = await a.ring.sign(claims);
      const kid = a.ring.activeKid();
      const applied = await a.ring.revoke(kid);
      const kinds = applied!.map((x) => x.kind);
      assert.ok(kinds.includes('revoke'), JSON.stringify(kinds));
      assert.ok(kinds.includes('activate') || kinds.includes('create'), `a successor signs at once: ${JSON.stringify(kinds)}`);
      assert.notEqual(a.ring.activeKid(), kid);
      assert.equal((await a.ring.jwks()).keys.some((k) => k['kid'] === kid), false);
      assert.equal((await a.verifier.verify(token, ISSUER)).ok, false);
      await b.ring.tick();
      assert.equal((await b.verifier.verify(token, ISSUER)).ok, false, 'the other instance after its next refresh');
      const row = (await stores.instances[1].signingKeys.list()).find((k) => k.kid === kid)!;
      assert.equal(row.state, 'revoked');
      assert.equal(row.encryptedPrivateKey, '');
    });
  });
}

rotationSuite('the embedded database (PGlite)', async () => {
  const dataDir = mkdtempSync(join(process.env['TITAN_TEST_SCRATCH'] ?? tmpdir(), 'titan-rotation-'));
  const persistence = await createPersistence({ dataDir });
  // One process per data directory: both "instances" share the one database, as several rings would.
  return {
    instances: [persistence, persistence],
    async close() {
      await persistence.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
});

rotationSuite('PostgreSQL', async () => {
  const schema = `titan_rotation_${randomBytes(6).toString('hex')}`;
  const [first, second] = await Promise.all([
    createPersistence({ databaseUrl: POSTGRES_URL!, schema }),
    createPersistence({ databaseUrl: POSTGRES_URL!, schema }),
  ]);
  return {
    instances: [first, second],
    async close() {
      await first.dataSource.query(`DROP SCHEMA "${schema}" CASCADE`).catch(() => undefined);
      await first.close();
      await second.close();
    },
  };
}, postgres.skip);

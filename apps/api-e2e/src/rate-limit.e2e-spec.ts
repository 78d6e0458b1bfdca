import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { allAuditEntries } from './audit-e2e.support';
import { adminToken, bearer, call, type JsonResponse } from './support/api';
import { allModes } from './support/deployment-modes';
import { postForm } from './support/oauth';
import { newServiceKey, signProof, type ServiceKey } from './support/service-key';
import { startTitan, type TitanProcess } from './support/titan-process';

const WINDOW_SECONDS = 10;
const PER_IP = 30;
const PER_IDENTITY = 5;
const OUTSTANDING = 3;
const METRICS_TOKEN = randomBytes(24).toString('hex');

let addresses = 0;
/** A client address of its own for each test: the loopback peer is a trusted proxy, X-Forwarded-For names the client. */
const newAddress = (): string => `198.51.100.${++addresses}`;
const from = (ip: string): Record<string, string> => ({ 'x-forwarded-for': ip });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Challenge {
  challengeId: string;
  nonce: string;
}

function assertRateLimited(res: JsonResponse, what: string): number {
  assert.equal(res.status, 429, `${what}: ${res.status} ${JSON.stringify(res.body)}`);
  assert.equal(res.body['error'], 'rate_limited', what);
  assert.equal(typeof res.body['error_description'], 'string', what);
  const retryAfter = res.headers.get('retry-after');
  assert.match(retryAfter ?? '', /^[1-9]\d*$/, `${what}: Retry-After in whole seconds`);
  return Number(retryAfter);
}

/**
 * Abuse control from the outside (PRODUCT.md section 4), one server per mode with small limits:
 * per-address and per-identity limits answer 429 with Retry-After and recover after the window;
 * failed proofs lock the (identity, address) pair progressively, replays don't count, a success
 * resets, another address is never locked; the outstanding-challenge cap treats unknown identities
 * like real ones; the OAuth endpoint's 429 has the RFC 6749 shape.
 */
for (const mode of allModes()) {
  describe(`rate limits and lockout (${mode.name})`, { skip: mode.skip }, () => {
    const adminKey = newServiceKey();
    const keys = new Map<string, ServiceKey>();
    let titan: TitanProcess;
    let teardown: () => Promise<void>;
    let admin: string;

    const challenge = (identityId: string, ip: string) => call<Challenge & Record<string, unknown>>(titan.url, 'POST', '/v1/zkp/challenge', { identityId }, from(ip));
    const prove = (identityId: string, c: Challenge, ip: string, key = keys.get(identityId)!) =>
      call(titan.url, 'POST', '/v1/zkp/token', { identityId, challengeId: c.challengeId, signature: signProof(key, titan.issuer, identityId, c.challengeId, c.nonce) }, from(ip));
    const issued = async (identityId: string, ip: string): Promise<Challenge> => {
      const res = await challenge(identityId, ip);
      assert.equal(res.status, 201, JSON.stringify(res.body));
      return res.body;
    };

    before(async () => {
      const setup = await mode.setup();
      teardown = setup.teardown;
      titan = await startTitan({
        ...setup.env,
        TITAN_BOOTSTRAP_ADMIN_JWK: JSON.stringify(adminKey.publicJwk),
        TITAN_TRUSTED_PROXIES: '127.0.0.1',
        TITAN_RATE_LIMIT_WINDOW_SECONDS: String(WINDOW_SECONDS),
        TITAN_RATE_LIMIT_PER_IP: String(PER_IP),
        TITAN_RATE_LIMIT_PER_IDENTITY: String(PER_IDENTITY),
        TITAN_MAX_OUTSTANDING_CHALLENGES: String(OUTSTANDING),
        TITAN_LOCKOUT_THRESHOLD: '3',
        TITAN_LOCKOUT_BASE_SECONDS: '1',
        TITAN_LOCKOUT_MAX_SECONDS: '4',
        TITAN_METRICS_TOKEN: METRICS_TOKEN,
      }, 150_000);
      admin = await adminToken(titan.url, titan.issuer, adminKey);
      for (const id of ['bob', 'carol', 'dave', 'erin']) {
        const key = newServiceKey();
        keys.set(id, key);
        const res = await call(titan.url, 'POST', '/v1/identities', { id, publicKey: key.publicJwk, scopes: ['x'] }, bearer(admin));
        assert.equal(res.status, 201, JSON.stringify(res.body));
      }
    });
    after(async () => {
      await titan?.stop();
      await teardown?.();
    });

    it('limits challenges per client address, each address on its own, and recovers after the window', async () => {
      const ip = newAddress();
      // Unknown identities, one per request: only the per-address limit is in play.
      const answers = await Promise.all(Array.from({ length: PER_IP + 5 }, (_, i) => challenge(`ghost-${ip.replace(/\./g, '-')}-${i}`, ip)));
      assert.equal(answers.filter((r) => r.status === 201).length, PER_IP);
      const refused = answers.filter((r) => r.status !== 201);
      assert.equal(refused.length, 5);
      let wait = 0;
      for (const res of refused) wait = Math.max(wait, assertRateLimited(res, 'over the per-address limit'));
      assert.ok(wait <= WINDOW_SECONDS, `Retry-After ${wait} is at most the window`);
      assert.equal((await challenge('ghost-elsewhere', newAddress())).status, 201, 'another address is not limited');
      await sleep(wait * 1000 + 200);
      assert.equal((await challenge('ghost-after-window', ip)).status, 201, 'recovered after the window');
    });

    it("answers the OAuth token endpoint's 429 in the RFC 6749 shape", async () => {
      const ip = newAddress();
      const form = { grant_type: 'client_credentials', client_id: 'nobody', client_secret: 'wrong' };
      const answers = await Promise.all(Array.from({ length: PER_IP + 1 }, () => postForm(titan.url, '/oauth2/token', form, from(ip))));
      assert.equal(answers.filter((r) => r.status === 401).length, PER_IP, 'invalid_client until the limit');
      const refused = answers.find((r) => r.status === 429)!;
      assertRateLimited(refused, 'oauth token');
      assert.deepEqual(Object.keys(refused.body).sort(), ['error', 'error_description']);
      assert.equal(refused.headers.get('cache-control'), 'no-store');
      assert.equal(refused.headers.get('pragma'), 'no-cache');
      assert.match(refused.headers.get('content-type') ?? '', /^application\/json/);
    });

    it('limits tokens per identity whatever the address, and recovers after the window', async () => {
      const results: JsonResponse[] = [];
      for (let i = 0; i < PER_IDENTITY + 1; i++) {
        const ip = newAddress();
        results.push(await prove('bob', await issued('bob', ip), ip));
      }
      assert.deepEqual(results.slice(0, PER_IDENTITY).map((r) => r.status), Array(PER_IDENTITY).fill(200));
      const wait = assertRateLimited(results[PER_IDENTITY]!, 'over the per-identity limit');
      await sleep(wait * 1000 + 200);
      const ip = newAddress();
      assert.equal((await prove('bob', await issued('bob', ip), ip)).status, 200, 'recovered after the window');
    });

    it('locks an (identity, address) pair out progressively; replays do not count; another address is not locked; success resets', async () => {
      const ip = newAddress();
      const wrong = newServiceKey();
      // A replay (the second use of a consumed challenge) is not a guess, however often.
      const used = await issued('carol', ip);
      assert.equal((await prove('carol', used, ip)).status, 200);
      for (let i = 0; i < 6; i++) assert.equal((await prove('carol', used, ip)).status, 401, 'replay');
      // Three wrong signatures: the third locks the pair for 1 s.
      for (let i = 0; i < 3; i++) assert.equal((await prove('carol', await issued('carol', ip), ip, wrong)).status, 401, `guess ${i + 1}`);
      const pending = await issued('carol', ip);
      assert.equal(assertRateLimited(await prove('carol', pending, ip), 'locked'), 1);
      // Another address (the real service elsewhere) is not locked out.
      const elsewhere = newAddress();
      assert.equal((await prove('carol', await issued('carol', elsewhere), elsewhere)).status, 200, 'another address');
      // The refused proof consumed nothing: the same challenge works once the lock is over... but a
      // wrong guess after the lock locks again, twice as long.
      await sleep(1100);
      assert.equal((await prove('carol', await issued('carol', ip), ip, wrong)).status, 401, 'guess 4');
      assert.equal(assertRateLimited(await prove('carol', pending, ip), 'locked again'), 2, 'the lock doubled');
      await sleep(2100);
      assert.equal((await prove('carol', pending, ip)).status, 200, 'the challenge survived the refusals');
      // Success forgot the failures: two guesses lock nothing.
      for (let i = 0; i < 2; i++) assert.equal((await prove('carol', await issued('carol', ip), ip, wrong)).status, 401);
      assert.equal((await prove('carol', await issued('carol', ip), ip)).status, 200, 'not locked after a reset');
    });

    it('caps outstanding challenges per identity and address, for unknown identities too, and frees room on redemption', async () => {
      const ip = newAddress();
      for (const id of ['dave', 'ghost-never-registered']) {
        for (let i = 0; i < OUTSTANDING; i++) assert.equal((await challenge(id, ip)).status, 201, `${id} ${i}`);
        assertRateLimited(await challenge(id, ip), `${id} over the cap`);
        assert.equal((await challenge(id, newAddress())).status, 201, `${id} from another address`);
      }
      const other = newAddress();
      const held = [await issued('erin', other), await issued('erin', other), await issued('erin', other)];
      assertRateLimited(await challenge('erin', other), 'erin over the cap');
      assert.equal((await prove('erin', held[0]!, other)).status, 200);
      assert.equal((await prove('erin', held[1]!, other)).status, 200);
      assert.equal((await challenge('erin', other)).status, 201, 'redeemed challenges free room');
    });

    it('audits trips and lockouts once, and counts refusals in /metrics', async () => {
      const entries = await allAuditEntries(titan.url, await adminToken(titan.url, titan.issuer, adminKey));
      const lockouts = entries.filter((e) => e.action === 'proof.locked_out');
      assert.equal(lockouts.length, 2, 'one per lock, none per refused proof');
      assert.ok(lockouts.every((e) => e.subject === 'carol' && /^198\.51\.100\.\d+$/.test(e.clientIp ?? '')));
      const trips = entries.filter((e) => e.action === 'rate_limit.tripped');
      for (const limiter of ['challenge_per_ip', 'oauth_token_per_ip', 'token_per_identity', 'outstanding_challenges']) {
        assert.ok(trips.some((e) => e.reason?.startsWith(`${limiter}:`)), `${limiter} tripped`);
      }
      assert.equal(trips.filter((e) => e.reason?.startsWith('challenge_per_ip:')).length, 1, 'five refusals, one entry');
      const scrape = await fetch(`${titan.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
      const text = await scrape.text();
      for (const limiter of ['challenge_per_ip', 'oauth_token_per_ip', 'token_per_identity', 'proof_lockout', 'outstanding_challenges']) {
        assert.match(text, new RegExp(`titan_rate_limit_rejections_total\\{limiter="${limiter}"\\} [1-9]`), limiter);
      }
    });
  });
}

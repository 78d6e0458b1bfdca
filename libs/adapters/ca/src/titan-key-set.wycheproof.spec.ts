import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { SigningAlgorithm } from '@titan/domain';
import { reasonOf } from './local-token-verifier';
import type { PublishedKey, PublishedKeySource } from './signing-key-ring';
import { TitanKeySet, verifyTitanJws } from './titan-key-set';
import { loadWycheproof, type JwsFile, type JwsGroup } from '@titan/testing';

const FILE = 'json_web_signature_test.json';
const PRIVATE_MEMBERS = new Set(['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k']);

/** What Titan would publish for a group's key: ES256 P-256 keys and (optionally) RS256 RSA keys meant for signing. */
function publishedFor(group: JwsGroup, algorithms: readonly SigningAlgorithm[]): PublishedKey[] {
  const source = (group.public ?? group.private ?? {}) as Record<string, unknown>;
  const jwk = Object.fromEntries(Object.entries(source).filter(([k]) => !PRIVATE_MEMBERS.has(k)));
  const ops = jwk['key_ops'];
  const forSigning = (jwk['use'] === undefined || jwk['use'] === 'sig') && (ops === undefined || (Array.isArray(ops) && ops.includes('verify')));
  const alg =
    jwk['kty'] === 'EC' && jwk['crv'] === 'P-256' && (jwk['alg'] ?? 'ES256') === 'ES256' ? 'ES256'
    : jwk['kty'] === 'RSA' && jwk['alg'] === 'RS256' ? 'RS256'
    : null;
  if (!forSigning || !alg || !algorithms.includes(alg) || typeof jwk['kid'] !== 'string') return [];
  const publicJwk = Object.fromEntries(Object.entries(jwk).filter(([, v]) => typeof v === 'string')) as Record<string, string>;
  return [{ kid: jwk['kid'], alg, state: 'active', publicJwk: { ...publicJwk, alg, use: 'sig' } }];
}

function headerAlg(jws: string): unknown {
  try {
    return JSON.parse(Buffer.from(jws.split('.')[0]!, 'base64url').toString('utf8'))['alg'];
  } catch {
    return undefined;
  }
}

async function run(algorithms: readonly SigningAlgorithm[]) {
  const file = loadWycheproof<JwsFile>(FILE);
  const counts = { total: 0, acceptedValid: 0, rejectedInvalid: 0, validOutOfPolicy: 0 };
  const failures: string[] = [];
  const reasons = new Map<number, string>();
  for (const group of file.testGroups) {
    const published = publishedFor(group, algorithms);
    const source: PublishedKeySource = { publishedKeys: () => published };
    const keys = new TitanKeySet(source);
    for (const t of group.tests) {
      counts.total++;
      let accepted = false;
      try {
        await verifyTitanJws(t.jws, keys);
        accepted = true;
      } catch (error) {
        reasons.set(t.tcId, reasonOf(error));
      }
      // Upstream "valid" is only expected to pass when the token uses a key Titan would publish, with its alg.
      const inPolicy = published.length === 1 && headerAlg(t.jws) === published[0]!.alg;
      const expected = t.result === 'valid' && inPolicy;
      if (accepted !== expected) failures.push(`tcId ${t.tcId} [${group.comment}] ${t.comment}: upstream ${t.result}, accepted=${accepted}`);
      else if (accepted) counts.acceptedValid++;
      else if (t.result === 'valid') counts.validOutOfPolicy++;
      else counts.rejectedInvalid++;
    }
  }
  assert.equal(counts.total, file.numberOfTests);
  return { counts, failures, reasons };
}

describe(`Wycheproof ${FILE} through Titan's JWS path (header policy + jose compactVerify)`, () => {
  it('ES256 only (Titan default): agrees on every vector', async () => {
    const { counts, failures, reasons } = await run(['ES256']);
    console.log(`[ES256] ${FILE}: ${counts.total} vectors checked: ${counts.acceptedValid} valid accepted, ${counts.rejectedInvalid} invalid rejected, ${counts.validOutOfPolicy} upstream-valid rejected by policy (non-ES256 alg or key)`);
    assert.deepEqual(failures, []);
    assert.equal(reasons.get(31), 'alg_not_allowed'); // HS256 keyed with the EC public key
    assert.equal(reasons.get(32), 'forbidden_header_jwk'); // attacker-supplied embedded jwk
    assert.equal(reasons.get(16), 'alg_not_allowed'); // alg none
    assert.equal(reasons.get(386), 'signature_invalid'); // r = s = 0
    assert.equal(reasons.get(19), 'signature_invalid');
  });

  it('ES256 + RS256 (legacy keys published): agrees on every vector', async () => {
    const { counts, failures } = await run(['ES256', 'RS256']);
    console.log(`[ES256+RS256] ${FILE}: ${counts.total} vectors checked: ${counts.acceptedValid} valid accepted, ${counts.rejectedInvalid} invalid rejected, ${counts.validOutOfPolicy} upstream-valid rejected by policy`);
    assert.deepEqual(failures, []);
  });
});

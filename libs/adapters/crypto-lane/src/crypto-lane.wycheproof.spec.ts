import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { CryptoLane } from '@titan/application';
import type { EcPublicJwk } from '@titan/domain';
import { createCryptoLane, type CryptoLaneKind } from './crypto-lane.factory';
import { derToP1363 } from './ecdsa-der.converter';
import { coordinate, thumbprintOf } from './testing/keys.fixture';
import { loadWycheproof, type EcdsaFile, type EcdsaGroup } from '@titan/testing';

const P1363_FILE = 'ecdsa_secp256r1_sha256_p1363_test.json';
const DER_FILE = 'ecdsa_secp256r1_sha256_test.json';

function keyOf(group: EcdsaGroup): { thumbprint: string; jwk: EcPublicJwk } {
  const jwk: EcPublicJwk = group.publicKeyJwk
    ? { kty: 'EC', crv: 'P-256', x: group.publicKeyJwk.x, y: group.publicKeyJwk.y }
    : { kty: 'EC', crv: 'P-256', x: coordinate(group.publicKey.wx), y: coordinate(group.publicKey.wy) };
  return { thumbprint: thumbprintOf(jwk), jwk };
}

const hex = (text: string): Uint8Array => Uint8Array.from(Buffer.from(text, 'hex'));

for (const kind of ['inline', 'piscina'] as CryptoLaneKind[]) {
  describe(`Wycheproof ECDSA P-256 / SHA-256 through the ${kind} lane`, () => {
    let lane: CryptoLane;
    before(() => {
      lane = createCryptoLane(kind, { threads: 2 });
    });
    after(async () => {
      await lane.close();
    });

    it(`agrees with every vector of ${P1363_FILE}`, async () => {
      const file = loadWycheproof<EcdsaFile>(P1363_FILE);
      const counts = { valid: 0, invalid: 0, acceptable: 0, acceptableAccepted: 0 };
      const failures: string[] = [];
      for (const group of file.testGroups) {
        const key = keyOf(group);
        await Promise.all(
          group.tests.map(async (t) => {
            const accepted = await lane.verify({ key, data: hex(t.msg), signature: hex(t.sig) });
            counts[t.result]++;
            if (t.result === 'acceptable') {
              if (accepted) counts.acceptableAccepted++;
            } else if (accepted !== (t.result === 'valid')) {
              failures.push(`tcId ${t.tcId} (${t.comment}): expected ${t.result}, lane said ${accepted}`);
            }
          }),
        );
      }
      const total = counts.valid + counts.invalid + counts.acceptable;
      console.log(`[${kind}] ${P1363_FILE}: ${total} vectors checked (${counts.valid} valid, ${counts.invalid} invalid, ${counts.acceptable} acceptable, ${counts.acceptableAccepted} of those accepted)`);
      assert.deepEqual(failures, []);
      assert.equal(total, file.numberOfTests);
    });

    it(`agrees with every vector of ${DER_FILE} through the strict DER converter`, async () => {
      const file = loadWycheproof<EcdsaFile>(DER_FILE);
      const counts = { valid: 0, invalid: 0, acceptable: 0, rejectedByConverter: 0, rejectedByVerify: 0, rawDerRejected: 0 };
      const failures: string[] = [];
      for (const group of file.testGroups) {
        const key = keyOf(group);
        await Promise.all(
          group.tests.map(async (t) => {
            counts[t.result]++;
            const data = hex(t.msg);
            const der = hex(t.sig);
            // A P1363 lane must never accept the DER bytes themselves.
            if (!(await lane.verify({ key, data, signature: der }))) counts.rawDerRejected++;
            else failures.push(`tcId ${t.tcId}: raw DER accepted by the P1363 lane`);
            const converted = derToP1363(der);
            const accepted = converted !== null && (await lane.verify({ key, data, signature: converted }));
            if (t.result === 'valid' && !accepted) {
              failures.push(`tcId ${t.tcId} (${t.comment}): valid but ${converted ? 'verify failed' : 'converter rejected it'}`);
            }
            if (t.result === 'invalid') {
              if (converted === null) counts.rejectedByConverter++;
              else if (!accepted) counts.rejectedByVerify++;
              else failures.push(`tcId ${t.tcId} (${t.comment}): invalid but accepted`);
            }
          }),
        );
      }
      const total = counts.valid + counts.invalid + counts.acceptable;
      console.log(`[${kind}] ${DER_FILE}: ${total} vectors checked (${counts.valid} valid converted and verified; ${counts.invalid} invalid: ${counts.rejectedByConverter} rejected by the converter, ${counts.rejectedByVerify} by verify; raw DER rejected by the P1363 lane: ${counts.rawDerRejected})`);
      assert.deepEqual(failures, []);
      assert.equal(counts.acceptable, 0, 'the DER file has no "acceptable" vectors; revisit this test if it gains some');
      assert.equal(total, file.numberOfTests);
    });
  });
}

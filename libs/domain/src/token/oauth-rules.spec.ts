import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { checkClientAssertionClaims, checkClientAssertionHeader } from './client-assertion';
import { parseCompactJws } from './compact-jws';
import { checkDpopProof, normalizeHtu } from './dpop-proof';

const ISSUER = 'https://auth.example.com';
const NOW = 1_800_000_000;
const rules = { audiences: [ISSUER, `${ISSUER}/oauth2/token`], nowSeconds: NOW, clockSkewSeconds: 30 };
const assertion = (extra: Record<string, unknown> = {}) => ({ iss: 'svc-a', sub: 'svc-a', aud: ISSUER, exp: NOW + 60, jti: 'j1', ...extra });
const reason = (r: { ok: boolean; reason?: string }) => (r.ok ? 'ok' : r.reason);

describe('client assertion rules (RFC 7523)', () => {
  it('accepts iss = sub, aud naming this server (string or array), exp within 5 minutes', () => {
    assert.equal(reason(checkClientAssertionClaims(assertion(), rules)), 'ok');
    assert.equal(reason(checkClientAssertionClaims(assertion({ aud: ['x', `${ISSUER}/oauth2/token`] }), rules)), 'ok');
    assert.equal(reason(checkClientAssertionClaims(assertion({ exp: NOW + 330 }), rules)), 'ok', '300 s + skew');
  });

  it('names the exact reason of each refusal', () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ iss: 'Bad Id' }, 'assertion_iss_invalid'],
      [{ sub: 'svc-b' }, 'assertion_sub_not_iss'],
      [{ aud: 'https://other' }, 'assertion_aud_mismatch'],
      [{ aud: [] }, 'assertion_aud_mismatch'],
      [{ exp: undefined }, 'assertion_exp_missing'],
      [{ exp: '1800000060' }, 'assertion_exp_invalid'],
      [{ exp: NOW - 31 }, 'assertion_expired'],
      [{ exp: NOW + 331 }, 'assertion_exp_too_far_ahead'],
      [{ nbf: NOW + 31 }, 'assertion_nbf_in_the_future'],
      [{ iat: NOW + 31 }, 'assertion_iat_in_the_future'],
      [{ jti: undefined }, 'assertion_jti_missing'],
      [{ jti: '' }, 'assertion_jti_invalid'],
      [{ jti: 'x'.repeat(256) }, 'assertion_jti_invalid'],
    ];
    for (const [extra, expected] of cases) {
      const claims = assertion(extra);
      for (const [k, v] of Object.entries(extra)) if (v === undefined) delete claims[k as keyof typeof claims];
      assert.equal(reason(checkClientAssertionClaims(claims, rules)), expected, JSON.stringify(extra));
    }
  });

  it('allows only ES256 and no key-selecting or foreign-typed headers', () => {
    assert.equal(reason(checkClientAssertionHeader({ alg: 'ES256', kid: 'k' })), 'ok');
    for (const [header, expected] of [
      [{ alg: 'none' }, 'assertion_alg_not_allowed'],
      [{ alg: 'HS256' }, 'assertion_alg_not_allowed'],
      [{ alg: 'ES256', jwk: {} }, 'assertion_forbidden_header_jwk'],
      [{ alg: 'ES256', jku: 'x' }, 'assertion_forbidden_header_jku'],
      [{ alg: 'ES256', crit: [] }, 'assertion_forbidden_header_crit'],
      [{ alg: 'ES256', typ: 'AT+JWT' }, 'assertion_typ_not_allowed'],
      [{ alg: 'ES256', typ: 'dpop+jwt' }, 'assertion_typ_not_allowed'],
    ] as const) {
      assert.equal(reason(checkClientAssertionHeader(header)), expected, JSON.stringify(header));
    }
  });
});

describe('DPoP proof rules (RFC 9449 section 4.3)', () => {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk = publicKey.export({ format: 'jwk' });
  const htu = `${ISSUER}/oauth2/token`;
  const proofRules = { htm: 'POST', htu, nowSeconds: NOW, maxAgeSeconds: 60, clockSkewSeconds: 30 };
  const header = (extra: Record<string, unknown> = {}) => ({ typ: 'dpop+jwt', alg: 'ES256', jwk, ...extra });
  const payload = (extra: Record<string, unknown> = {}) => ({ htm: 'POST', htu, iat: NOW, jti: 'p1', ...extra });

  it('accepts a well-formed proof; htu ignores query and fragment, case of scheme and host', () => {
    assert.equal(reason(checkDpopProof(header(), payload(), proofRules)), 'ok');
    assert.equal(reason(checkDpopProof(header(), payload({ htu: 'HTTPS://AUTH.example.com/oauth2/token?x=1#f' }), proofRules)), 'ok');
    assert.equal(normalizeHtu('ftp://x/y'), null);
  });

  it('names the exact reason of each refusal', () => {
    const cases: Array<[Record<string, unknown>, Record<string, unknown>, string, Record<string, unknown>?]> = [
      [{ typ: 'JWT' }, {}, 'dpop_typ_invalid'],
      [{ alg: 'RS256' }, {}, 'dpop_alg_not_allowed'],
      [{ jku: 'x' }, {}, 'dpop_forbidden_header_jku'],
      [{ jwk: privateKey.export({ format: 'jwk' }) }, {}, 'dpop_jwk_private'],
      [{ jwk: { kty: 'oct', k: 'AA' } }, {}, 'dpop_jwk_invalid'],
      [{}, { htm: 'GET' }, 'dpop_htm_mismatch'],
      [{}, { htu: `${ISSUER}/oauth2/introspect` }, 'dpop_htu_mismatch'],
      [{}, { iat: NOW + 31 }, 'dpop_iat_in_the_future'],
      [{}, { iat: NOW - 61 }, 'dpop_iat_too_old'],
      [{}, { jti: 7 }, 'dpop_jti_invalid'],
      [{}, { ath: 'nope' }, 'dpop_ath_mismatch', { accessTokenHash: 'hash' }],
      [{}, { nonce: '' }, 'dpop_nonce_invalid'],
    ];
    for (const [h, p, expected, extraRules] of cases) {
      assert.equal(reason(checkDpopProof(header(h), payload(p), { ...proofRules, ...extraRules })), expected, expected);
    }
  });
});

describe('parseCompactJws', () => {
  const part = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  it('splits strictly', () => {
    const ok = parseCompactJws(`${part({ alg: 'ES256' })}.${part({ a: 1 })}.${Buffer.alloc(64).toString('base64url')}`, 1000, 'x');
    assert.equal(ok.ok && ok.value.signature.length, 64);
    for (const bad of ['a.b', `${part([1])}.${part({})}.AA`, `${part({})}.${part({})}.AA==`, `${part({})}.${part({})}.AA.AA`, 'x'.repeat(1001)]) {
      assert.equal(parseCompactJws(bad, 1000, 'x').ok, false, bad.slice(0, 40));
    }
  });
});

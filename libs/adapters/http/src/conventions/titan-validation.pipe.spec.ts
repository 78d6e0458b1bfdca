import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { BadRequestException, ValidationPipe, type ArgumentMetadata, type Type } from '@nestjs/common';
import { ChallengeRequestDto } from '../handshake/challenge.dto';
import { MintTokenRequestDto } from '../handshake/mint-token.dto';
import { OAuthTokenRequestDto, TokenActionRequestDto } from '../oauth/oauth.dto';
import { FORM_BODY_VALIDATION, JSON_BODY_VALIDATION, TitanValidationPipe } from './titan-validation.pipe';

const body = (metatype: Type): ArgumentMetadata => ({ type: 'body', metatype, data: '' });

type Outcome = { ok: true; value: unknown; ctor: unknown } | { ok: false; response: unknown };

async function outcome(pipe: ValidationPipe, value: unknown, target: Type | ArgumentMetadata): Promise<Outcome> {
  try {
    const result = (await pipe.transform(value, typeof target === 'function' ? body(target) : target)) as object | null;
    return { ok: true, value: result, ctor: result?.constructor };
  } catch (error) {
    assert.ok(error instanceof BadRequestException, String(error));
    return { ok: false, response: error.getResponse() };
  }
}

/** Counts calls of ValidationPipe.prototype.transform (the full class-transformer + class-validator path). */
async function countFullValidations(run: () => Promise<unknown>): Promise<number> {
  const original = ValidationPipe.prototype.transform;
  let calls = 0;
  ValidationPipe.prototype.transform = function (this: ValidationPipe, ...args: Parameters<ValidationPipe['transform']>) {
    calls++;
    return original.apply(this, args);
  };
  try {
    await run();
  } finally {
    ValidationPipe.prototype.transform = original;
  }
  return calls;
}

const ID = 'billing-api';
const SIG = 'A'.repeat(86);
const corpus: ReadonlyArray<readonly [Type, unknown]> = [
  // valid
  [ChallengeRequestDto, { identityId: ID }],
  [ChallengeRequestDto, { identityId: ID, audience: 'urn:bench', scope: 'a:b c:d' }],
  [ChallengeRequestDto, { scope: '', audience: 'x', identityId: 'a.b_c-d' }],
  [ChallengeRequestDto, { identityId: ID, scope: 's'.repeat(4096) }],
  [ChallengeRequestDto, { identityId: ID, scope: '😀'.repeat(2048) }],
  [ChallengeRequestDto, { identityId: ID, scope: '😀'.repeat(3000) }],
  [MintTokenRequestDto, { identityId: ID, challengeId: 'c'.repeat(256), signature: SIG }],
  [MintTokenRequestDto, { signature: '', challengeId: '', identityId: ID }],
  // invalid: types, patterns, lengths, missing and extra properties, several at once
  [ChallengeRequestDto, {}],
  [ChallengeRequestDto, { identityId: 'A' }],
  [ChallengeRequestDto, { identityId: 'x' }],
  [ChallengeRequestDto, { identityId: 'a'.repeat(64) }],
  [ChallengeRequestDto, { identityId: 7 }],
  [ChallengeRequestDto, { identityId: ['billing-api'] }],
  [ChallengeRequestDto, { identityId: ID, audience: null }],
  [ChallengeRequestDto, { identityId: ID, audience: 'has space' }],
  [ChallengeRequestDto, { identityId: ID, audience: '' }],
  [ChallengeRequestDto, { identityId: ID, scope: 's'.repeat(4097) }],
  [ChallengeRequestDto, { identityId: ID, scope: 5 }],
  [ChallengeRequestDto, { identityId: ID, extra: 1 }],
  [ChallengeRequestDto, { identityId: 'A', extra: 1, scope: 3 }],
  [ChallengeRequestDto, { identityId: ID, constructor: 'x' }],
  [ChallengeRequestDto, { identityId: ID, toString: 'x' }],
  [ChallengeRequestDto, { identityId: ID, hasOwnProperty: 'x' }],
  [ChallengeRequestDto, JSON.parse('{"identityId":"billing-api","__proto__":{"scope":1}}')],
  [MintTokenRequestDto, { identityId: ID, challengeId: 'c' }],
  [MintTokenRequestDto, { identityId: ID, challengeId: 'c'.repeat(257), signature: SIG }],
  [MintTokenRequestDto, { identityId: ID, challengeId: 'c', signature: 'A'.repeat(129) }],
  [MintTokenRequestDto, { identityId: ID, challengeId: 1, signature: SIG }],
  [MintTokenRequestDto, { identityId: ID, challengeId: 'c', signature: SIG, dpop: 'x' }],
  // not objects
  [ChallengeRequestDto, null],
  [ChallengeRequestDto, [1, 2]],
  [ChallengeRequestDto, 'billing-api'],
  [ChallengeRequestDto, 42],
  [MintTokenRequestDto, true],
  [MintTokenRequestDto, Object.assign(Object.create(null), { identityId: ID, challengeId: 'c', signature: SIG })],
];

/** What Fastify's form parser (fast-querystring) builds: an object whose prototype is an empty null-prototype object. */
function form(fields: Record<string, unknown>): Record<string, unknown> {
  const Empty = function () {} as unknown as { new (): Record<string, unknown>; prototype: object };
  Empty.prototype = Object.create(null) as object;
  return Object.assign(new Empty(), fields);
}

const TOKEN = `${'a'.repeat(40)}.${'b'.repeat(300)}.${'c'.repeat(86)}`;
const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
const formCorpus: ReadonlyArray<readonly [Type, () => Record<string, unknown>]> = [
  // valid
  [TokenActionRequestDto, () => form({ token: TOKEN })],
  [TokenActionRequestDto, () => form({ token: TOKEN, token_type_hint: 'access_token', client_id: 'svc', client_assertion_type: ASSERTION_TYPE, client_assertion: TOKEN })],
  [TokenActionRequestDto, () => ({ token: TOKEN })],
  [OAuthTokenRequestDto, () => form({ grant_type: 'client_credentials', client_assertion_type: ASSERTION_TYPE, client_assertion: TOKEN, scope: 'a b', resource: 'urn:x' })],
  [OAuthTokenRequestDto, () => form({})],
  // unknown parameters are stripped, not refused (full pipe)
  [TokenActionRequestDto, () => form({ token: TOKEN, extra: 'x' })],
  [OAuthTokenRequestDto, () => form({ grant_type: 'client_credentials', foo: 'bar', audience: 'urn:y' })],
  // invalid
  [TokenActionRequestDto, () => form({})],
  [TokenActionRequestDto, () => form({ token: [TOKEN, TOKEN] })],
  [TokenActionRequestDto, () => form({ token: 'x'.repeat(8193) })],
  [TokenActionRequestDto, () => form({ token: TOKEN, client_id: 'c'.repeat(64) })],
  [OAuthTokenRequestDto, () => form({ grant_type: ['a', 'b'] })],
  [OAuthTokenRequestDto, () => form({ scope: 's'.repeat(4097) })],
];

describe('TitanValidationPipe', () => {
  it('answers exactly as ValidationPipe for the OAuth forms: same instances, stripped parameters, same refusals', async () => {
    for (const [dto, make] of formCorpus) {
      const fast = new TitanValidationPipe({ ...FORM_BODY_VALIDATION, expectedType: dto });
      const full = new ValidationPipe({ ...FORM_BODY_VALIDATION, expectedType: dto });
      const label = `${dto.name} ${JSON.stringify({ ...make() }).slice(0, 80)}`;
      const metadata: ArgumentMetadata = { type: 'body', metatype: Object, data: '' };
      const expected = await outcome(full, make(), metadata);
      const actual = await outcome(fast, make(), metadata);
      assert.deepEqual(actual, expected, label);
    }
    const pipe = new TitanValidationPipe({ ...FORM_BODY_VALIDATION, expectedType: TokenActionRequestDto });
    const full = await countFullValidations(() => pipe.transform(form({ token: TOKEN }), { type: 'body', metatype: Object, data: '' }));
    assert.equal(full, 0, 'a valid form takes the fast path');
  });

  it('answers exactly as ValidationPipe for the handshake DTOs: same instances, same refusals and messages', async () => {
    const fast = new TitanValidationPipe(JSON_BODY_VALIDATION);
    const full = new ValidationPipe(JSON_BODY_VALIDATION);
    for (const [dto, value] of corpus) {
      const label = `${dto.name} ${JSON.stringify(value)?.slice(0, 80)}`;
      const expected = await outcome(full, structuredClone(value), dto);
      const actual = await outcome(fast, structuredClone(value), dto);
      assert.deepEqual(actual, expected, label);
    }
  });

  it('skips class-transformer and class-validator for a valid handshake body, and only then', async () => {
    const pipe = new TitanValidationPipe();
    const valid = await countFullValidations(async () => {
      const dto = await pipe.transform({ identityId: ID, audience: 'urn:bench' }, body(ChallengeRequestDto));
      assert.ok(dto instanceof ChallengeRequestDto);
      assert.deepEqual({ ...(dto as object) }, { identityId: ID, audience: 'urn:bench' });
      await pipe.transform({ identityId: ID, challengeId: 'c', signature: SIG }, body(MintTokenRequestDto));
    });
    assert.equal(valid, 0);
    const refused = await countFullValidations(() => pipe.transform({ identityId: ID, extra: 1 }, body(ChallengeRequestDto)).catch(() => undefined));
    assert.equal(refused, 1);
    const query = await countFullValidations(() => pipe.transform({ identityId: ID }, { type: 'query', metatype: ChallengeRequestDto, data: '' }));
    assert.equal(query, 1, 'only bodies take the fast path');
  });
});

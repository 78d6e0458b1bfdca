import { ValidationPipe, type ArgumentMetadata, type Type, type ValidationPipeOptions } from '@nestjs/common';

/**
 * OAuth form bodies (`oauthForm`): unknown parameters are ignored (RFC 6749 section 3.2), so they
 * are stripped instead of refused; a parameter sent twice arrives as an array and is refused.
 */
export const FORM_BODY_VALIDATION: ValidationPipeOptions = {
  whitelist: true,
  forbidNonWhitelisted: false,
  transform: true,
  stopAtFirstError: true,
  validationError: { target: false, value: false },
};

/** The global validation settings of the JSON endpoints: unknown properties are refused. */
export const JSON_BODY_VALIDATION: ValidationPipeOptions = {
  whitelist: true,
  forbidNonWhitelisted: true,
  forbidUnknownValues: true,
  transform: true,
  stopAtFirstError: true,
  validationError: { target: false, value: false },
};

/** One property of a flat DTO of strings, as its class-validator decorators describe it. */
export interface FastStringRule {
  /** `@IsString()` without `@IsOptional()`. */
  readonly required?: boolean;
  /** `@Matches(pattern)`: the very RegExp the decorator uses (no `g` or `y` flag). */
  readonly pattern?: RegExp;
  /** `@MaxLength(n)`. */
  readonly maxLength?: number;
}

type FastCheck = (body: Record<string, unknown>) => boolean;

const fastChecks = new Map<Type, FastCheck>();

/**
 * Declares a cheap, strictly narrower check for a DTO of string properties: a body that passes it
 * (every property one of the rules, so nothing to strip or refuse) is one the DTO's class-validator
 * rules accept, with either pipe setting above. A body that does not is handed to the full
 * ValidationPipe, so every refusal keeps class-validator's exact messages (ADR 0006).
 */
export function fastStringBody(dto: Type, rules: Readonly<Record<string, FastStringRule>>): void {
  const entries = Object.entries(rules);
  for (const [name, rule] of entries) {
    if (rule.pattern && (rule.pattern.global || rule.pattern.sticky)) throw new Error(`${dto.name}.${name}: a fast-path pattern may not be global or sticky`);
  }
  const required = entries.filter(([, rule]) => rule.required).length;
  fastChecks.set(dto, (body) => {
    let seen = 0;
    for (const key in body) {
      const rule = Object.hasOwn(rules, key) ? rules[key] : undefined;
      if (rule === undefined || !Object.hasOwn(body, key)) return false;
      const value = body[key];
      // Length first: a longer string is left to class-validator, which counts surrogate pairs as one.
      if (typeof value !== 'string') return false;
      if (rule.maxLength !== undefined && value.length > rule.maxLength) return false;
      if (rule.pattern !== undefined && !rule.pattern.test(value)) return false;
      if (rule.required) seen++;
    }
    return seen === required;
  });
}

/**
 * Nest's ValidationPipe with a fast path: a body (JSON or form) for a DTO registered with
 * `fastStringBody` (or the pipe's `expectedType`) that is a plain object passing the narrower check becomes the DTO instance class-transformer would
 * build (`new Dto()` with the body's properties), without class-transformer and class-validator.
 * Everything else (any doubt, every refusal) goes through ValidationPipe unchanged.
 */
export class TitanValidationPipe extends ValidationPipe {
  constructor(options: ValidationPipeOptions = JSON_BODY_VALIDATION) {
    super(options);
  }

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const metatype = (this.expectedType ?? metadata.metatype) as Type | undefined;
    if (metadata.type === 'body' && metatype !== undefined && isPlainRecord(value)) {
      const check = fastChecks.get(metatype);
      if (check?.(value)) return Object.assign(new metatype(), value);
    }
    return super.transform(value, metadata);
  }
}

/**
 * A parsed body: a JSON object (Object.prototype), or a form (Fastify's form parser builds objects
 * whose prototype is an empty null-prototype object). Nothing inherited can then be enumerated.
 */
function isPlainRecord(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto === Object.prototype || proto === null) return true;
  return Object.getPrototypeOf(proto) === null && Reflect.ownKeys(proto as object).length === 0;
}

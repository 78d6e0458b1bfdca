import { ValidationPipe, type Type } from '@nestjs/common';
import type { CallerCredentials, ClientCredentials, TokenPresentation } from '@titan/application';
import type { FastifyRequest } from 'fastify';
import { FORM_BODY_VALIDATION, TitanValidationPipe } from '../conventions/titan-validation.pipe';
import { ApiError } from '../errors/api-error';
import type { OAuthClientAuthFormDto } from './oauth.dto';

/**
 * Validates an OAuth form body against `dto` while ignoring unknown parameters (RFC 6749 section
 * 3.2 requires servers to ignore them, unlike the JSON endpoints which refuse them). A parameter
 * sent twice arrives as an array and fails its `IsString` check: `invalid_request`.
 */
export const oauthForm = (dto: Type): ValidationPipe => new TitanValidationPipe({ ...FORM_BODY_VALIDATION, expectedType: dto });

const BASIC = /^Basic ([A-Za-z0-9+/]+={0,2})$/i;
const TOKEN = /^(Bearer|DPoP) ([A-Za-z0-9._~+/-]+=*)$/i;

function decodeFormComponent(text: string): string | null {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return null;
  }
}

/** `Authorization: Basic`: client id and secret, each form-urlencoded (RFC 6749 section 2.3.1). */
function basicCredentials(header: string): ClientCredentials['basic'] {
  const match = BASIC.exec(header);
  if (!match) return 'malformed';
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return 'malformed';
  const clientId = decodeFormComponent(decoded.slice(0, colon));
  const secret = decodeFormComponent(decoded.slice(colon + 1));
  return clientId === null || secret === null ? 'malformed' : { clientId, secret };
}

/** Client credentials from the Authorization header and the form body. */
export function clientCredentials(request: FastifyRequest, form: OAuthClientAuthFormDto): ClientCredentials {
  const header = request.headers.authorization;
  const basic = header !== undefined && /^basic /i.test(header) ? basicCredentials(header) : undefined;
  return {
    ...(basic === undefined ? {} : { basic }),
    ...(form.client_id === undefined ? {} : { clientId: form.client_id }),
    ...(form.client_secret === undefined ? {} : { clientSecret: form.client_secret }),
    ...(form.client_assertion_type === undefined ? {} : { clientAssertionType: form.client_assertion_type }),
    ...(form.client_assertion === undefined ? {} : { clientAssertion: form.client_assertion }),
  };
}

/** True when the client used `Authorization: Basic` (its 401 then carries a Basic challenge). */
export const usedBasic = (request: FastifyRequest): boolean => /^basic /i.test(request.headers.authorization ?? '');

/** The `DPoP` header, if any (several headers arrive joined by a comma, which the verifier refuses). */
export function dpopHeader(request: FastifyRequest): string | undefined {
  const value = request.headers['dpop'];
  if (value === undefined) return undefined;
  return Array.isArray(value) ? value.join(', ') : value;
}

/** Path of the request without query, for the `htu` of a resource-side DPoP proof. */
export const requestPath = (request: FastifyRequest): string => request.url.split('?')[0]!;

/**
 * An access token in `Authorization: Bearer|DPoP`, with how it was presented; undefined when the
 * header is absent or Basic. Any other scheme is `invalid_request`.
 */
export function presentedToken(request: FastifyRequest): { value: string; presentation: TokenPresentation } | undefined {
  const header = request.headers.authorization;
  if (header === undefined || /^basic /i.test(header)) return undefined;
  const match = TOKEN.exec(header);
  if (!match) throw new ApiError('invalid_request', 'the Authorization header must be Basic, Bearer or DPoP');
  const scheme = match[1]!.toLowerCase() === 'dpop' ? 'DPoP' : 'Bearer';
  const proof = dpopHeader(request);
  return {
    value: match[2]!,
    presentation: { scheme, method: request.method, path: requestPath(request), ...(proof === undefined ? {} : { proof }) },
  };
}

/**
 * The access token a resource request must carry (Titan's admin endpoints, gateway forward-auth):
 * no `Authorization` header is `401` with a bare `Bearer` challenge (RFC 6750 section 3.1); one
 * that carries no Bearer or DPoP token is `401 invalid_token`.
 */
export function requiredAccessToken(request: FastifyRequest): { value: string; presentation: TokenPresentation } {
  if (!request.headers.authorization) throw new ApiError('invalid_token', 'a bearer token is required', { 'WWW-Authenticate': 'Bearer' });
  let token: ReturnType<typeof presentedToken>;
  try {
    token = presentedToken(request);
  } catch {
    token = undefined;
  }
  if (!token) throw new ApiError('invalid_token', 'the access token is not valid', { 'WWW-Authenticate': 'Bearer error="invalid_token"' });
  return token;
}

/** Credentials of a caller of introspection or revocation. */
export function callerCredentials(request: FastifyRequest, form: OAuthClientAuthFormDto): CallerCredentials {
  const token = presentedToken(request);
  return { client: clientCredentials(request, form), ...(token ? { token } : {}) };
}

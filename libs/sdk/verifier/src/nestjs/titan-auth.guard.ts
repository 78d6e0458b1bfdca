import { HttpException, Inject, Injectable, Optional, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { DPOP_ALGORITHMS } from '../dpop-proof';
import type { TitanVerifier, VerifiedDpopToken, VerifiedToken } from '../titan-verifier';
import { bearerToken, dpopToken } from '../titan-verifier';
import { TitanVerifierError } from '../titan-verifier-error';
import { TITAN_SCOPES } from './scopes.decorator';

/** Injection token of the `TitanVerifier` the guard uses. */
export const TITAN_VERIFIER = Symbol('TitanVerifier');

/** Injection token of the guard's `TitanAuthGuardOptions` (optional). */
export const TITAN_AUTH_OPTIONS = Symbol('TitanAuthOptions');

export interface TitanAuthGuardOptions {
  /**
   * The URL clients call this service at, up to the path the application sees: e.g.
   * `https://api.example.com`, or `https://example.com/billing` when a proxy strips `/billing`.
   * A DPoP proof signs the URL (`htu`), which the guard can only rebuild from the request's
   * protocol and `Host` header otherwise: a proxy may have changed those, and a client chooses them.
   * Set it in production.
   */
  readonly publicBaseUrl?: string;
}

/** Where the guard leaves the verified principal on the request; `jkt` is set for DPoP-bound tokens. */
export interface TitanAuthenticatedRequest {
  titan?: VerifiedToken | VerifiedDpopToken;
}

// The fields Express and Fastify requests share; `originalUrl` keeps the full path under mounted routers.
interface HttpRequest extends TitanAuthenticatedRequest {
  headers: Record<string, string | string[] | undefined>;
  method?: string;
  url?: string;
  originalUrl?: string;
  protocol?: string;
  socket?: { encrypted?: boolean };
}

// Express and Fastify both offer `header(name, value)`; a bare Node response has `setHeader`.
interface HttpResponse {
  header?: (name: string, value: string) => unknown;
  setHeader?: (name: string, value: string) => unknown;
}

// Reflector (from @nestjs/core) reads exactly this metadata; reading it directly keeps the SDK off
// @nestjs/core. SetMetadata has already loaded reflect-metadata.
const getMetadata = (target: object): string[] =>
  ((Reflect as unknown as { getMetadata?: (key: string, target: object) => unknown }).getMetadata?.(TITAN_SCOPES, target) as
    | string[]
    | undefined) ?? [];

/**
 * Accepts requests with a valid Titan access token carrying every scope named by `@Scopes()` on the
 * handler and its controller, presented either as `Authorization: Bearer ...` or, for a DPoP-bound
 * token, as `Authorization: DPoP ...` with a `DPoP` proof header (RFC 9449) for this method and URL.
 * Answers as PRODUCT.md section 2a says, in the scheme the client used: 401 with
 * `WWW-Authenticate: Bearer` (missing token), `Bearer error="invalid_token"`,
 * `DPoP error="invalid_token"` or `DPoP error="invalid_dpop_proof"`; 403 `insufficient_scope`;
 * 503 `unavailable` when the JWKS cannot be fetched.
 *
 * @example
 * @Module({ imports: [TitanAuthModule.forRoot({ issuer, audience: 'billing-api', publicBaseUrl: 'https://api.example.com' })] })
 * @UseGuards(TitanAuthGuard) @Controller('invoices') class InvoicesController {}
 */
@Injectable()
export class TitanAuthGuard implements CanActivate {
  private readonly publicBaseUrl: string | undefined;

  constructor(
    @Inject(TITAN_VERIFIER) private readonly verifier: TitanVerifier,
    @Optional() @Inject(TITAN_AUTH_OPTIONS) options: TitanAuthGuardOptions = {},
  ) {
    this.publicBaseUrl = options.publicBaseUrl === undefined ? undefined : checkPublicBaseUrl(options.publicBaseUrl);
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return false;
    const http = context.switchToHttp();
    const request = http.getRequest<HttpRequest>();
    const response = http.getResponse<HttpResponse>();
    const authorization = request.headers['authorization'];
    const bearer = bearerToken(authorization);
    const dpop = dpopToken(authorization);
    let scheme: 'Bearer' | 'DPoP';
    let verified: VerifiedToken;
    if (bearer !== undefined) {
      scheme = 'Bearer';
      verified = await this.verifyBearer(bearer, response);
    } else if (dpop !== undefined) {
      scheme = 'DPoP';
      verified = await this.verifyDpop(dpop, request, response);
    } else {
      throw refuse(response, 401, 'Bearer', 'invalid_token', 'a bearer access token is required');
    }
    const required = [...new Set([...getMetadata(context.getClass()), ...getMetadata(context.getHandler())])];
    const missing = required.filter((s) => !verified.scopes.includes(s));
    if (missing.length > 0) {
      throw refuse(response, 403, `${scheme} error="insufficient_scope", scope="${required.join(' ')}"`,
        'insufficient_scope', `this request needs the scope(s): ${required.join(' ')}`);
    }
    request.titan = verified;
    return true;
  }

  private async verifyBearer(token: string, response: HttpResponse): Promise<VerifiedToken> {
    try {
      return await this.verifier.verify(token);
    } catch (e) {
      throw refusal(e, response, 'Bearer');
    }
  }

  private async verifyDpop(token: string, request: HttpRequest, response: HttpResponse): Promise<VerifiedDpopToken> {
    const proof = request.headers['dpop'];
    // Node joins repeated headers with ", ", which no compact JWS contains: only one proof passes.
    if (typeof proof !== 'string' || proof === '') {
      throw refuse(response, 401, dpopChallenge('invalid_dpop_proof'), 'invalid_dpop_proof', 'exactly one DPoP proof header is required');
    }
    const url = requestUrl(request, this.publicBaseUrl);
    if (url === undefined || typeof request.method !== 'string') {
      throw refuse(response, 401, dpopChallenge('invalid_dpop_proof'), 'invalid_dpop_proof', 'the request URL cannot be matched with a DPoP proof');
    }
    try {
      return await this.verifier.verifyDpopBoundRequest({ token, proof, method: request.method, url });
    } catch (e) {
      throw refusal(e, response, 'DPoP');
    }
  }
}

/** RFC 9449 section 7.1: the DPoP challenge names the error and the proof algorithms we accept. */
const dpopChallenge = (error: string) => `DPoP error="${error}", algs="${DPOP_ALGORITHMS.join(' ')}"`;

/** 401 in the client's scheme for a refused token or proof; 503 when nothing could be verified. */
function refusal(e: unknown, response: HttpResponse, scheme: 'Bearer' | 'DPoP'): HttpException {
  if (e instanceof TitanVerifierError && e.code !== 'jwks_unavailable') {
    const challenge = scheme === 'DPoP' ? dpopChallenge(e.code) : `Bearer error="${e.code}"`;
    return refuse(response, 401, challenge, e.code, e.message);
  }
  return new HttpException({ error: 'unavailable', error_description: 'token verification is temporarily unavailable' }, 503, { cause: e });
}

/**
 * The absolute URL the client called: the configured public base URL plus the request path, or
 * else the request's protocol and `Host` header. Undefined if it cannot be built.
 */
function requestUrl(request: HttpRequest, publicBaseUrl: string | undefined): string | undefined {
  const path = request.originalUrl ?? request.url;
  if (typeof path !== 'string' || !path.startsWith('/')) return undefined;
  let base = publicBaseUrl;
  if (base === undefined) {
    const host = request.headers['host'];
    if (typeof host !== 'string' || host === '') return undefined;
    const protocol = request.protocol ?? (request.socket?.encrypted === true ? 'https' : 'http');
    base = `${protocol}://${host}`;
  }
  const url = `${base}${path}`;
  return URL.canParse(url) ? url : undefined;
}

function checkPublicBaseUrl(value: string): string {
  const url = URL.canParse(value) ? new URL(value) : undefined;
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:') || url.search !== '' || url.hash !== '' || value.includes('#')) {
    throw new TypeError('publicBaseUrl must be an absolute http(s) URL without query or fragment');
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

function refuse(response: HttpResponse, status: number, challenge: string, error: string, description: string): HttpException {
  if (typeof response.header === 'function') response.header('WWW-Authenticate', challenge);
  else response.setHeader?.('WWW-Authenticate', challenge);
  return new HttpException({ error, error_description: description }, status);
}

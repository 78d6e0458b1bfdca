import { HttpException, Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { TitanVerifier, VerifiedToken } from '../titan-verifier';
import { bearerToken } from '../titan-verifier';
import { TitanVerifierError } from '../titan-verifier-error';
import { TITAN_SCOPES } from './scopes.decorator';

/** Injection token of the `TitanVerifier` the guard uses. */
export const TITAN_VERIFIER = Symbol('TitanVerifier');

/** Where the guard leaves the verified principal on the request. */
export interface TitanAuthenticatedRequest {
  titan?: VerifiedToken;
}

interface HttpRequest extends TitanAuthenticatedRequest {
  headers: Record<string, string | string[] | undefined>;
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
 * Accepts requests with a valid Titan access token (`Authorization: Bearer ...`) carrying every scope
 * named by `@Scopes()` on the handler and its controller. Answers as PRODUCT.md section 2a says:
 * 401 with `WWW-Authenticate: Bearer` (missing token) or `Bearer error="invalid_token"`, 403
 * `insufficient_scope`, 503 `unavailable` when the JWKS cannot be fetched.
 *
 * @example
 * @Module({ imports: [TitanAuthModule.forRoot({ issuer, audience: 'billing-api' })] })
 * @UseGuards(TitanAuthGuard) @Controller('invoices') class InvoicesController {}
 */
@Injectable()
export class TitanAuthGuard implements CanActivate {
  constructor(@Inject(TITAN_VERIFIER) private readonly verifier: TitanVerifier) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return false;
    const http = context.switchToHttp();
    const request = http.getRequest<HttpRequest>();
    const response = http.getResponse<HttpResponse>();
    const token = bearerToken(request.headers['authorization']);
    if (token === undefined) {
      throw refuse(response, 401, 'Bearer', 'invalid_token', 'a bearer access token is required');
    }
    let verified: VerifiedToken;
    try {
      verified = await this.verifier.verify(token);
    } catch (e) {
      if (e instanceof TitanVerifierError && e.code === 'invalid_token') {
        throw refuse(response, 401, 'Bearer error="invalid_token"', 'invalid_token', e.message);
      }
      throw new HttpException({ error: 'unavailable', error_description: 'token verification is temporarily unavailable' }, 503, { cause: e });
    }
    const required = [...new Set([...getMetadata(context.getClass()), ...getMetadata(context.getHandler())])];
    const missing = required.filter((s) => !verified.scopes.includes(s));
    if (missing.length > 0) {
      throw refuse(response, 403, `Bearer error="insufficient_scope", scope="${required.join(' ')}"`,
        'insufficient_scope', `this request needs the scope(s): ${required.join(' ')}`);
    }
    request.titan = verified;
    return true;
  }
}

function refuse(response: HttpResponse, status: number, challenge: string, error: string, description: string): HttpException {
  if (typeof response.header === 'function') response.header('WWW-Authenticate', challenge);
  else response.setHeader?.('WWW-Authenticate', challenge);
  return new HttpException({ error, error_description: description }, status);
}

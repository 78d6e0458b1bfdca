import { Catch, HttpException, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { DependencyUnavailableError } from '@titan/application';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { ApiError, type ApiErrorCode } from './api-error';

const STATUS_CODE: Record<number, ApiErrorCode> = {
  400: 'invalid_request',
  401: 'invalid_token',
  403: 'insufficient_scope',
  404: 'not_found',
  405: 'method_not_allowed',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'rate_limited',
  503: 'unavailable',
};

/** Fastify's own errors (body parsing, limits) carry a statusCode and a code starting with FST_. */
interface FrameworkError {
  statusCode?: number;
  code?: string;
  message?: string;
}

/**
 * The one error filter: every failure leaves as `{ error, error_description }` (plus `request_id` on
 * 5xx). Messages from the framework are replaced by fixed texts, so no stack trace, SQL or path leaks.
 */
@Catch()
export class ApiErrorFilter implements ExceptionFilter {
  constructor(private readonly logger: Logger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const reply = http.getResponse<FastifyReply>();
    const request = http.getRequest<FastifyRequest>();
    const error = this.toApiError(exception, request);
    for (const [name, value] of Object.entries(error.headers)) void reply.header(name, value);
    const body: Record<string, string> = { error: error.code, error_description: error.description };
    if (error.status >= 500) body['request_id'] = String(request.id);
    void reply.status(error.status).send(body);
  }

  private toApiError(exception: unknown, request: FastifyRequest): ApiError {
    if (exception instanceof ApiError) return exception;
    if (exception instanceof HttpException) return this.fromHttpException(exception);
    if (exception instanceof DependencyUnavailableError) {
      // Fail closed, fast and without detail: nothing was minted; the client may retry.
      this.logger.warn({ dependency: exception.dependency, reqId: request.id }, 'dependency unavailable');
      return new ApiError('unavailable', 'a dependency is unavailable; retry later', { 'Retry-After': '1' });
    }
    const framework = exception as FrameworkError;
    const status = framework?.statusCode;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      return new ApiError(STATUS_CODE[status] ?? 'invalid_request', describeFrameworkError(framework));
    }
    this.logger.error({ err: exception, reqId: request.id, route: request.routeOptions?.url }, 'unhandled error');
    return new ApiError('internal_error', 'an internal error occurred');
  }

  private fromHttpException(exception: HttpException): ApiError {
    const status = exception.getStatus();
    if (status === 400) {
      // ValidationPipe: the messages name the offending properties, which is what the caller needs.
      const response = exception.getResponse() as { message?: string | string[] };
      const message = Array.isArray(response.message) ? response.message.join('; ') : response.message;
      return new ApiError('invalid_request', message ?? 'the request is invalid');
    }
    if (status === 404) return new ApiError('not_found', 'no such resource');
    const code = STATUS_CODE[status];
    return code ? new ApiError(code, exception.message) : new ApiError('internal_error', 'an internal error occurred');
  }
}

function describeFrameworkError(error: FrameworkError): string {
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return 'the request body exceeds 64 KiB';
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return 'unsupported content type';
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return 'the JSON body is empty';
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return 'invalid Content-Length';
    default:
      return error.statusCode === 400 ? 'the request body is not valid JSON' : 'the request was refused';
  }
}

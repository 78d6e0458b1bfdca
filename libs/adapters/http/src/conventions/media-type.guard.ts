import { Injectable, SetMetadata, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { ApiError } from '../errors/api-error';

const FORM_BODY = 'titan:form-body';
const JSON_TYPE = 'application/json';
const FORM_TYPE = 'application/x-www-form-urlencoded';

/** Marks an endpoint (the OAuth ones) as taking `application/x-www-form-urlencoded` instead of JSON. */
export const FormBody = (): MethodDecorator & ClassDecorator => SetMetadata(FORM_BODY, true);

/** Every body must be in the endpoint's one media type (PRODUCT.md section 2a): others are 415. */
@Injectable()
export class MediaTypeGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const length = request.headers['content-length'];
    const hasBody = (length !== undefined && length !== '0') || request.headers['transfer-encoding'] !== undefined;
    if (!hasBody) return true;
    const form = this.reflector.getAllAndOverride<boolean>(FORM_BODY, [context.getHandler(), context.getClass()]);
    const expected = form ? FORM_TYPE : JSON_TYPE;
    const actual = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    if (actual !== expected) throw new ApiError('unsupported_media_type', `this endpoint accepts ${expected} bodies only`);
    return true;
  }
}

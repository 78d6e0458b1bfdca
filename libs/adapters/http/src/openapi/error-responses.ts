import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiResponse } from '@nestjs/swagger';

export class ErrorBody {
  @ApiProperty({ example: 'invalid_request' }) error!: string;
  @ApiProperty({ example: 'a human-readable explanation' }) error_description!: string;
  @ApiProperty({ required: false, description: 'present on 5xx answers' }) request_id?: string;
}

const DESCRIPTIONS: Record<number, string> = {
  400: 'invalid_request (or invalid_scope / invalid_target): the input is malformed or not allowed',
  401: 'invalid_token: missing or invalid bearer token (WWW-Authenticate: Bearer)',
  403: 'insufficient_scope: the token lacks the scope this endpoint needs',
  404: 'not_found',
  409: 'conflict',
  413: 'payload_too_large: body over 64 KiB',
  415: 'unsupported_media_type',
  429: 'rate_limited (Retry-After)',
  503: 'unavailable: a dependency is down; retry later',
};

/** Documents the error answers an endpoint can give, all in the one error shape. */
export const ApiErrors = (...statuses: number[]): MethodDecorator & ClassDecorator =>
  applyDecorators(...statuses.map((status) => ApiResponse({ status, description: DESCRIPTIONS[status], type: ErrorBody })));

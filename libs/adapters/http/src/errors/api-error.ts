/** Public error codes (PRODUCT.md section 2a) and the HTTP status each one carries. */
export const API_ERROR_STATUS = {
  invalid_request: 400,
  invalid_scope: 400,
  invalid_target: 400,
  invalid_token: 401,
  invalid_proof: 401,
  // OAuth 2.0 endpoints (RFC 6749 section 5.2, RFC 7009, RFC 9449 section 8).
  invalid_client: 401,
  invalid_grant: 400,
  unsupported_grant_type: 400,
  unauthorized_client: 400,
  invalid_dpop_proof: 400,
  use_dpop_nonce: 400,
  insufficient_scope: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  internal_error: 500,
  unavailable: 503,
} as const;

export type ApiErrorCode = keyof typeof API_ERROR_STATUS;

/** An error answer: `{ error, error_description }` with the code's status and optional headers. */
export class ApiError extends Error {
  readonly status: number;

  constructor(
    readonly code: ApiErrorCode,
    readonly description: string,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(description);
    this.status = API_ERROR_STATUS[code];
  }
}

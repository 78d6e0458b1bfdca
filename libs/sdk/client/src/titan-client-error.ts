/**
 * Codes the client raises itself, next to the server's own codes (`invalid_proof`, `invalid_scope`,
 * `invalid_target`, `rate_limited`, ...), which are passed through unchanged.
 */
export type TitanClientLocalErrorCode = 'network_error' | 'invalid_response';

/**
 * A failed handshake. `status` is the HTTP status (undefined when no response arrived) and `code`
 * is the server's `error` member, or a local code.
 *
 * @example
 * try { await client.getToken(); } catch (e) {
 *   if (e instanceof TitanClientError && e.code === 'invalid_proof') rotateKey();
 * }
 */
export class TitanClientError extends Error {
  override readonly name = 'TitanClientError';

  constructor(
    readonly code: TitanClientLocalErrorCode | (string & {}),
    readonly description: string,
    readonly status?: number,
    /** Seconds from a `Retry-After` header on `429` / `503`. */
    readonly retryAfterSeconds?: number,
    options?: { cause?: unknown },
  ) {
    super(status === undefined ? `${code}: ${description}` : `${status} ${code}: ${description}`, options);
  }
}

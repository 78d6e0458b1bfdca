import { TitanClientError } from './titan-client-error';

export type FetchFunction = (input: string, init: RequestInit) => Promise<Response>;

/**
 * Sends one JSON request and returns the parsed JSON body of a 2xx answer; anything else becomes a
 * `TitanClientError` with the server's `error` code. Shared by the handshake and the CLI's admin calls.
 */
export async function requestJson(
  fetchFn: FetchFunction,
  url: string,
  init: { method: string; body?: unknown; bearer?: string; timeoutMs: number },
): Promise<unknown> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  if (init.bearer !== undefined) headers['authorization'] = `Bearer ${init.bearer}`;
  let response: Response;
  try {
    response = await fetchFn(url, {
      method: init.method,
      headers,
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
      signal: AbortSignal.timeout(init.timeoutMs),
      redirect: 'error',
    });
  } catch (cause) {
    const what = cause instanceof Error && cause.name === 'TimeoutError' ? 'timed out' : 'failed';
    throw new TitanClientError('network_error', `${init.method} ${url} ${what}`, undefined, undefined, { cause });
  }
  const text = await response.text();
  let body: unknown;
  try {
    body = text === '' ? undefined : JSON.parse(text);
  } catch {
    body = undefined;
  }
  if (!response.ok) {
    const problem = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
    const code = typeof problem['error'] === 'string' ? problem['error'] : 'http_error';
    const description =
      typeof problem['error_description'] === 'string' ? problem['error_description'] : `HTTP ${response.status}`;
    throw new TitanClientError(code, description, response.status, retryAfter(response.headers.get('retry-after')));
  }
  if (body === undefined) {
    throw new TitanClientError('invalid_response', `${init.method} ${url} answered without a JSON body`, response.status);
  }
  return body;
}

function retryAfter(header: string | null): number | undefined {
  if (header === null) return undefined;
  if (/^\d+$/.test(header)) return Number(header);
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - Date.now()) / 1000));
}

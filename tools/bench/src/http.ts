import { Agent, request } from 'node:http';

export interface HttpResponse {
  readonly status: number;
  readonly text: string;
}

export interface HttpRequest {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
}

/** Per-request ceiling: a stuck request fails instead of holding a loop forever. */
const REQUEST_TIMEOUT_MS = 10_000;

/**
 * A keep-alive HTTP/1.1 client for one loopback origin. Sockets are reused across requests; at most
 * `maxSockets` are open (one per concurrent loop).
 */
export class HttpClient {
  readonly agent: Agent;
  private readonly host: string;
  private readonly port: number;

  constructor(readonly origin: string, maxSockets: number) {
    const url = new URL(origin);
    this.host = url.hostname;
    this.port = Number(url.port);
    this.agent = new Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets, scheduling: 'fifo' });
  }

  send(req: HttpRequest): Promise<HttpResponse> {
    return new Promise((resolve, reject) => {
      const headers: Record<string, string | number> = { ...req.headers };
      if (req.body !== undefined) headers['content-length'] = Buffer.byteLength(req.body);
      const r = request(
        { agent: this.agent, host: this.host, port: this.port, method: req.method, path: req.path, headers },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
          res.on('error', reject);
        },
      );
      r.setTimeout(REQUEST_TIMEOUT_MS, () => r.destroy(new Error('request timeout')));
      r.on('error', reject);
      r.end(req.body);
    });
  }

  json(path: string, body: unknown, headers: Readonly<Record<string, string>> = {}): Promise<HttpResponse> {
    return this.send({ method: 'POST', path, body: JSON.stringify(body), headers: { 'content-type': 'application/json', ...headers } });
  }

  form(path: string, fields: Readonly<Record<string, string>>, headers: Readonly<Record<string, string>> = {}): Promise<HttpResponse> {
    return this.send({
      method: 'POST',
      path,
      body: new URLSearchParams(fields).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

import { requestJson, TitanClient, type FetchFunction } from '@titan/client';
import { ADMIN_IDENTITY_ID, ADMIN_SCOPE, isWellFormedIdentityId } from '@titan/domain';
import { UsageError } from './cli-error';
import type { CliIo } from './cli-io';
import { loadPrivateKey } from './keys/private-key-file';
import { privateFileWarning } from './keys/read-key-file';

/**
 * Calls Titan's admin API as the admin identity: one handshake (audience = the issuer, scope
 * `titan:admin`), then the bearer token on each request.
 */
export class AdminSession {
  private readonly client: TitanClient;
  private readonly fetchFn: FetchFunction;

  constructor(private readonly url: string, issuer: string, adminId: string, keyPath: string, io: CliIo) {
    const privateKey = loadPrivateKey(keyPath);
    const warning = privateFileWarning(keyPath);
    if (warning) io.stderr(`titan: ${warning}\n`);
    this.fetchFn = io.fetch ?? ((input, init) => fetch(input, init));
    this.client = new TitanClient({
      baseUrl: url, issuer, identityId: adminId, privateKey, audience: issuer, scope: ADMIN_SCOPE, fetch: this.fetchFn,
    });
  }

  /** Reads `--admin-key` / TITAN_ADMIN_KEY and `--admin-id` / TITAN_ADMIN_ID (default `admin`). */
  static fromOptions(
    values: { 'admin-key'?: string; 'admin-id'?: string },
    server: { url: string; issuer: string },
    io: CliIo,
    topic: string,
  ): AdminSession {
    const keyPath = values['admin-key'] ?? io.env['TITAN_ADMIN_KEY'];
    if (!keyPath) throw new UsageError('--admin-key FILE (or TITAN_ADMIN_KEY) is required', topic);
    const adminId = values['admin-id'] ?? io.env['TITAN_ADMIN_ID'] ?? ADMIN_IDENTITY_ID;
    if (!isWellFormedIdentityId(adminId)) throw new UsageError(`--admin-id "${adminId}" is not a valid identity id`, topic);
    return new AdminSession(server.url, server.issuer, adminId, keyPath, io);
  }

  async call(method: string, path: string, body?: unknown): Promise<unknown> {
    const bearer = await this.client.getToken();
    return requestJson(this.fetchFn, `${this.url}${path}`, { method, body, bearer, timeoutMs: 15_000 });
  }
}

export const ADMIN_OPTIONS = {
  'admin-key': { type: 'string' },
  'admin-id': { type: 'string' },
} as const;

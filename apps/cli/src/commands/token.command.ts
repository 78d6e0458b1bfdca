import { TitanClient } from '@titan/client';
import { isWellFormedIdentityId } from '@titan/domain';
import { EXIT_OK, UsageError } from '../cli-error';
import type { CliIo } from '../cli-io';
import { loadPrivateKey } from '../keys/private-key-file';
import { privateFileWarning } from '../keys/read-key-file';
import { COMMON_OPTIONS, noExtraPositionals, parseOptions, requireOption, serverOf } from '../parse-options';
import { TOKEN_HELP } from '../usage';

/** `titan token --identity ID --key FILE ...`: one handshake, the access token on stdout. */
export async function tokenCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseOptions(args, {
    ...COMMON_OPTIONS,
    identity: { type: 'string' },
    key: { type: 'string' },
    audience: { type: 'string' },
    scope: { type: 'string', multiple: true },
  }, 'token');
  if (values.help) return io.stdout(TOKEN_HELP), EXIT_OK;
  noExtraPositionals(positionals, 0, 'token');
  const identityId = requireOption(values.identity, '--identity', 'token');
  if (!isWellFormedIdentityId(identityId)) throw new UsageError(`--identity "${identityId}" is not a valid identity id`, 'token');
  const keyPath = requireOption(values.key, '--key', 'token');
  const { url, issuer } = serverOf(values, io.env, 'token');
  const privateKey = loadPrivateKey(keyPath);
  const warning = privateFileWarning(keyPath);
  if (warning) io.stderr(`titan: ${warning}\n`);
  const client = new TitanClient({
    baseUrl: url,
    issuer,
    identityId,
    privateKey,
    audience: values.audience,
    scope: values.scope?.join(' '),
    fetch: io.fetch,
  });
  const token = await client.handshake();
  io.stdout(values.json ? `${JSON.stringify(token.response, null, 2)}\n` : `${token.accessToken}\n`);
  return EXIT_OK;
}

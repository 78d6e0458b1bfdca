import { TitanVerifierError, createTitanVerifier } from '@titan/verifier';
import { CommandError, EXIT_OK } from '../cli-error';
import type { CliIo } from '../cli-io';
import { COMMON_OPTIONS, noExtraPositionals, parseOptions, requireOption, serverOf } from '../parse-options';
import { VERIFY_HELP } from '../usage';

/**
 * `titan verify TOKEN --audience A`: verifies a token offline the way a resource server does
 * (JWKS fetched from the server, signature, typ, iss, aud, exp) and prints its claims.
 */
export async function verifyCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseOptions(args, { ...COMMON_OPTIONS, audience: { type: 'string' } }, 'verify');
  if (values.help) return io.stdout(VERIFY_HELP), EXIT_OK;
  noExtraPositionals(positionals, 1, 'verify');
  const token = requireOption(positionals[0], 'TOKEN', 'verify');
  const { url, issuer } = serverOf(values, io.env, 'verify');
  const verifier = createTitanVerifier({
    issuer,
    audience: values.audience ?? issuer,
    jwksUri: `${url.replace(/\/$/, '')}/.well-known/jwks.json`,
  });
  try {
    const verified = await verifier.verify(token);
    io.stdout(
      values.json
        ? `${JSON.stringify(verified.claims, null, 2)}\n`
        : `valid: sub=${verified.subject} client_id=${verified.clientId} scope="${verified.scopes.join(' ')}" aud=${String(verified.claims.aud)} expires=${new Date(Number(verified.claims.exp) * 1000).toISOString()}\n`,
    );
    return EXIT_OK;
  } catch (error) {
    if (error instanceof TitanVerifierError) throw new CommandError(error.code, error.message);
    throw error;
  }
}

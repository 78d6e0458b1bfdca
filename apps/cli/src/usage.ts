// Help texts; `titan --help` and `titan <command> --help` print them to stdout.
import { KEYS_HELP } from './commands/keys.command';

const SERVER_OPTIONS = `  --url URL            Titan base URL (default: $TITAN_URL, else http://localhost:8000)
  --issuer ISS         issuer to trust in signed proofs (default: the URL without trailing "/")
  --json               print the server's JSON instead of a summary`;

const ADMIN_AUTH = `  --admin-key FILE     the admin's private key (default: $TITAN_ADMIN_KEY)
  --admin-id ID        the admin identity (default: $TITAN_ADMIN_ID, else "admin")`;

export const MAIN_HELP = `titan: command-line client for the Titan authentication server

Usage: titan <command> [options]

Commands:
  keygen      generate a P-256 key pair (private JWK to a 0600 file, public JWK to stdout)
  token       obtain an access token by proof of possession
  verify      verify an access token offline against the server's JWKS, as a resource server does
  identities  manage service identities: create, list, get, revoke, add-key, retire-key
  keys        Titan's token-signing keys: list, rotate, revoke
  admin       bootstrap the first admin directly in the store
  audit       verify the audit log's hash chain directly in the store
  config      check the server's configuration (environment or --env-file) without starting it

Run "titan <command> --help" for a command's options.

Exit status: 0 success, 1 error (the server's error code and description on stderr), 2 usage error.
`;

export const KEYGEN_HELP = `Usage: titan keygen --out FILE [--force]

Generates an EC P-256 key pair. The private JWK is written to FILE with mode 0600; the public JWK
(no "d") is printed to stdout, ready for "titan identities create --public-key".

  --out FILE           where to write the private key
  --force              overwrite FILE if it exists
`;

export const TOKEN_HELP = `Usage: titan token --identity ID --key FILE [options]

Performs the proof-of-possession handshake and prints the access token.

  --identity ID        the service identity
  --key FILE           its private key (JWK, PEM or DER PKCS#8)
  --audience A         audience to request (default: the identity's first audience, else the issuer)
  --scope S            scope(s) to request, space separated or repeated (default: all allowed)
${SERVER_OPTIONS}
`;

export const IDENTITIES_HELP = `Usage: titan identities <subcommand> [options]

  create ID --public-key FILE [--scope S]... [--audience A]...
  list [--limit N] [--cursor C] [--all]
  get ID
  revoke ID --reason R
  add-key ID --public-key FILE          add a key (rotation)
  retire-key ID THUMBPRINT              retire a key

The public key file may be a JWK (a private JWK's "d" is dropped and never sent), a PEM or DER SPKI
(compressed points too), or a raw EC point; only P-256 keys are accepted.
Authenticates as the admin: one handshake with audience = issuer and scope titan:admin.

${ADMIN_AUTH}
${SERVER_OPTIONS}
`;

export const ADMIN_HELP = `Usage: titan admin bootstrap --public-key FILE [--database-url URL] [--data-dir DIR]

Creates the first admin identity ("admin", scopes titan:admin titan:introspect) directly in the
store; an existing admin is never replaced. For an embedded store the server must be stopped.

  --public-key FILE    the admin's public key (same formats as "identities create")
  --database-url URL   PostgreSQL (default: $DATABASE_URL; unset: the embedded store)
  --data-dir DIR       embedded data directory (default: $TITAN_DATA_DIR, else ./data)
  --json               print {"outcome": "created" | "already_present"}
`;

export const VERIFY_HELP = `Usage: titan verify TOKEN [--audience A] [options]

Verifies TOKEN like a resource server: fetches the JWKS, checks the ES256 signature, typ at+jwt,
iss, aud and exp, and prints the claims. Exit 1 with invalid_token if any check fails.

  --audience A         the audience this resource server expects (default: the issuer)
${SERVER_OPTIONS}
`;

export const AUDIT_HELP = `Usage: titan audit verify [--database-url URL] [--database-schema S] [--data-dir DIR]
                          [--expect-at-least N] [--expect-head SEQ:HASH] [--json]

Walks the audit log's hash chain directly in the store and recomputes every entry's hash. Prints
"ok (N entries)" and the head ("head SEQ:HASH"), or "broken at entry SEQ: reason" for the first
edited, deleted or reordered entry (exit 1). PostgreSQL can be checked while Titan runs; for an
embedded store the server must be stopped.

Deleting the newest entries leaves a shorter chain that is valid in itself: note the head (here, or
GET /v1/audit/head) somewhere the database's administrators cannot write, and pass it back.

  --database-url URL       PostgreSQL (default: $DATABASE_URL; unset: the embedded store)
  --database-schema S      schema of Titan's tables (default: $TITAN_DATABASE_SCHEMA)
  --data-dir DIR           embedded data directory (default: $TITAN_DATA_DIR, else ./data)
  --expect-at-least N      fail unless the chain has at least N entries
  --expect-head SEQ:HASH   fail unless entry SEQ still exists with this hash
  --json                   print {"ok", "count", "head"} or {"ok": false, "brokenAtSeq", "reason"}
`;

export const CONFIG_HELP = `Usage: titan config check [--env-file FILE] [--json]

Validates Titan's configuration exactly as the server does at start-up, without starting it, and
prints the effective settings (secrets only as set/unset). Exit 1 with the variable's name if a
value is refused.

  --env-file FILE      read variables from a dotenv file instead of the environment
  --json               print the summary as JSON
`;

export const HELP_BY_TOPIC: Record<string, string> = {
  keygen: KEYGEN_HELP,
  token: TOKEN_HELP,
  identities: IDENTITIES_HELP,
  keys: KEYS_HELP,
  admin: ADMIN_HELP,
  audit: AUDIT_HELP,
  verify: VERIFY_HELP,
  config: CONFIG_HELP,
};

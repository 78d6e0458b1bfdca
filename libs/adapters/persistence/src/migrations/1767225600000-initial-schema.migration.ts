import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Identities, their keys, Titan's signing keys and the hash-chained audit log. Hand-written SQL
 * that runs on PostgreSQL 15+ and on PGlite alike. Unqualified names: the schema comes from the
 * connection's search_path, so test runs can isolate themselves in a schema of their own.
 */
export class InitialSchema1767225600000 implements MigrationInterface {
  readonly name = 'InitialSchema1767225600000';

  async up(runner: QueryRunner): Promise<void> {
    // COLLATE "C": ids page in byte order, the same on every server whatever its locale.
    await runner.query(`
      CREATE TABLE identities (
        id text COLLATE "C" NOT NULL,
        status text NOT NULL,
        scopes text[] NOT NULL DEFAULT '{}',
        audiences text[] NOT NULL DEFAULT '{}',
        client_secret_hash text NULL,
        created_at timestamptz NOT NULL,
        revoked_at timestamptz NULL,
        revocation_reason text NULL,
        CONSTRAINT identities_pkey PRIMARY KEY (id),
        CONSTRAINT identities_status_check CHECK (status IN ('active', 'revoked')),
        CONSTRAINT identities_revocation_check CHECK ((status = 'revoked') = (revoked_at IS NOT NULL))
      )`);
    // A thumbprint is the primary key, not (identity, thumbprint): a key belongs to one identity ever,
    // and retired keys stay as rows so they can never be registered again.
    await runner.query(`
      CREATE TABLE identity_keys (
        thumbprint text COLLATE "C" NOT NULL,
        identity_id text COLLATE "C" NOT NULL,
        jwk jsonb NOT NULL,
        created_at timestamptz NOT NULL,
        retired_at timestamptz NULL,
        CONSTRAINT identity_keys_pkey PRIMARY KEY (thumbprint),
        CONSTRAINT identity_keys_identity_fkey FOREIGN KEY (identity_id) REFERENCES identities (id)
      )`);
    await runner.query(`CREATE INDEX identity_keys_live_idx ON identity_keys (identity_id) WHERE retired_at IS NULL`);

    await runner.query(`
      CREATE TABLE signing_keys (
        kid text COLLATE "C" NOT NULL,
        alg text NOT NULL,
        state text NOT NULL,
        public_jwk jsonb NOT NULL,
        encrypted_private_key text NOT NULL,
        created_at timestamptz NOT NULL,
        activated_at timestamptz NULL,
        retired_at timestamptz NULL,
        CONSTRAINT signing_keys_pkey PRIMARY KEY (kid),
        CONSTRAINT signing_keys_alg_check CHECK (alg IN ('ES256', 'RS256')),
        CONSTRAINT signing_keys_state_check CHECK (state IN ('next', 'active', 'retired'))
      )`);
    // Of several instances starting at once, exactly one may activate a key per algorithm.
    await runner.query(`CREATE UNIQUE INDEX signing_keys_one_active_per_alg ON signing_keys (alg) WHERE state = 'active'`);

    await runner.query(`
      CREATE TABLE audit_log (
        seq bigint NOT NULL,
        at timestamptz NOT NULL,
        actor text NULL,
        action text NOT NULL,
        subject text NULL,
        outcome text NOT NULL,
        reason text NULL,
        request_id text NULL,
        client_ip text NULL,
        prev_hash text NOT NULL,
        hash text NOT NULL,
        CONSTRAINT audit_log_pkey PRIMARY KEY (seq),
        CONSTRAINT audit_log_outcome_check CHECK (outcome IN ('success', 'failure'))
      )`);
    // Append-only at the database too; verifyAuditChain still catches whoever can disable this.
    await runner.query(`
      CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'audit_log is append-only';
      END
      $$`);
    await runner.query(`
      CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
      FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()`);
    await runner.query(`
      CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
      FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE audit_log`);
    await runner.query(`DROP FUNCTION audit_log_append_only()`);
    await runner.query(`DROP TABLE signing_keys`);
    await runner.query(`DROP TABLE identity_keys`);
    await runner.query(`DROP TABLE identities`);
  }
}

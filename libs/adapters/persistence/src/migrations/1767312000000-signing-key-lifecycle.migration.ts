import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Signing-key lifecycle (ADR 0005): keys end `removed` (after their retention) or `revoked`
 * (emergency), kept as rows without their private half so a kid is never reused and the history
 * stays listable; a `next` key carries its planned activation.
 */
export class SigningKeyLifecycle1767312000000 implements MigrationInterface {
  readonly name = 'SigningKeyLifecycle1767312000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE signing_keys ADD COLUMN activates_at timestamptz NULL`);
    await runner.query(`ALTER TABLE signing_keys ADD COLUMN removed_at timestamptz NULL`);
    await runner.query(`ALTER TABLE signing_keys DROP CONSTRAINT signing_keys_state_check`);
    await runner.query(`
      ALTER TABLE signing_keys ADD CONSTRAINT signing_keys_state_check
        CHECK (state IN ('next', 'active', 'retired', 'removed', 'revoked'))`);
    await runner.query(`
      ALTER TABLE signing_keys ADD CONSTRAINT signing_keys_removed_check
        CHECK ((state IN ('removed', 'revoked')) = (removed_at IS NOT NULL))`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DELETE FROM signing_keys WHERE state IN ('removed', 'revoked')`);
    await runner.query(`ALTER TABLE signing_keys DROP CONSTRAINT signing_keys_removed_check`);
    await runner.query(`ALTER TABLE signing_keys DROP CONSTRAINT signing_keys_state_check`);
    await runner.query(`ALTER TABLE signing_keys ADD CONSTRAINT signing_keys_state_check CHECK (state IN ('next', 'active', 'retired'))`);
    await runner.query(`ALTER TABLE signing_keys DROP COLUMN removed_at`);
    await runner.query(`ALTER TABLE signing_keys DROP COLUMN activates_at`);
  }
}

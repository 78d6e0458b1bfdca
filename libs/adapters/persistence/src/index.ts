/**
 * @titan/adapter-persistence: identities, signing keys and the audit log in PostgreSQL (production)
 * or in an embedded PGlite database (one process, data under TITAN_DATA_DIR). One set of migrations
 * serves both.
 */
export { createPersistence, type Persistence, type PersistenceOptions } from './create-persistence';
export { TypeormIdentityRepository } from './identity/typeorm-identity.repository';
export { InvalidCursorError, encodeIdentityCursor, decodeIdentityCursor } from './identity/identity-cursor';
export type { IdentityRecord, IdentityKeyRecord } from './identity/identity.record';
export { TypeormSigningKeyRepository } from './signing-key/typeorm-signing-key.repository';
export type { SigningKeyRecord } from './signing-key/signing-key.record';
export { TypeormAuditLog, appendAuditEntry } from './audit/typeorm-audit-log';
export { verifyAuditChain, type AuditChainVerdict } from './audit/verify-audit-chain';
export { TypeormAuditTrail } from './audit/typeorm-audit-trail';
export { encodeAuditCursor, decodeAuditCursor } from './audit/audit-cursor';
export { AUDIT_GENESIS_HASH, auditEntryHash, type AuditEntryFields } from './audit/audit-chain';
export type { AuditEntryRecord } from './audit/audit-entry.record';
export { acquireDataDirLock, DataDirLockedError, DATA_DIR_LOCK_FILE, type DataDirLock } from './embedded/data-dir-lock';
export { PglitePool, PgliteClient, pgliteDriver, type PgLikeResult } from './embedded/pglite-pool';
export { migrations, InitialSchema1767225600000 } from './migrations';

/**
 * Tells every instance that an identity changed (revoked, key added or retired), so caches drop it.
 * Listeners receive `null` when changes may have been missed (e.g. after a reconnect): drop everything.
 */
export interface IdentityChangeBus {
  publish(identityId: string): Promise<void>;
  subscribe(listener: (identityId: string | null) => void): Promise<void>;
  close(): Promise<void>;
}
export const IdentityChangeBus = Symbol('IdentityChangeBus');

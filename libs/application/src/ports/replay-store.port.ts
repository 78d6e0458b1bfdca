/**
 * Remembers single-use keys (a JWT `jti`, a DPoP nonce or proof `jti`) for as long as a replay
 * could be accepted. Shared by every instance in production, so a key used at one is dead at all.
 *
 * @example
 * if (!(await replays.markOnce(`${clientId}:${jti}`, secondsUntilExp))) return err('invalid_grant');
 */
export interface ReplayStore {
  /**
   * Records `key` for `ttlSeconds`. True the first time, false while the key is still recorded
   * (a replay). Atomic: of N concurrent calls with one key, exactly one gets true.
   */
  markOnce(key: string, ttlSeconds: number): Promise<boolean>;
}
export const ReplayStore = Symbol('ReplayStore');

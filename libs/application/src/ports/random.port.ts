/** Randomness is a port; production adapters use crypto.randomBytes. */
export interface Random {
  bytes(length: number): Uint8Array;
}
export const Random = Symbol('Random');

/** Time is a port so tests can freeze and move it. */
export interface Clock {
  now(): Date;
}
export const Clock = Symbol('Clock');

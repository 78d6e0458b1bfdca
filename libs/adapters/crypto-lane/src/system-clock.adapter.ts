import type { Clock } from '@titan/application';

/** Wall-clock time for production; tests use a ManualClock instead. */
export class SystemClock implements Clock {
  now(): Date {
    return new Date();
  }
}

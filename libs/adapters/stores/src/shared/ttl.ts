/** Validates a TTL in seconds (fractions allowed) and converts it to whole milliseconds, at least 1. */
export function ttlToMs(ttlSeconds: number): number {
  if (!Number.isFinite(ttlSeconds) || ttlSeconds <= 0) throw new RangeError('ttlSeconds must be a positive number');
  return Math.max(1, Math.round(ttlSeconds * 1000));
}

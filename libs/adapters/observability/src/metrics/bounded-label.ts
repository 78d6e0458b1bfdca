/**
 * Keeps a label's value set small: the first `max` distinct values pass (cut to 96 characters),
 * every later one becomes `other`. A bug that put a client-controlled value in a label would
 * otherwise create a time series per request.
 */
export class BoundedLabel {
  private readonly seen = new Set<string>();

  constructor(private readonly max: number) {}

  of(value: string): string {
    if (this.seen.has(value)) return value;
    if (value.length > 96 || this.seen.size >= this.max) return 'other';
    this.seen.add(value);
    return value;
  }
}

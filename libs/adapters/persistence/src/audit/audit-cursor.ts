import { decodeBase64Url, encodeBase64Url } from '@titan/domain';
import { InvalidCursorError } from '../identity/identity-cursor';

const VERSION = 'a1:';

/** Opaque to callers: the last `seq` of the previous page, versioned so the format can change. */
export const encodeAuditCursor = (lastSeq: number): string => encodeBase64Url(new TextEncoder().encode(VERSION + String(lastSeq)));

export function decodeAuditCursor(cursor: string): number {
  const bytes = decodeBase64Url(cursor);
  if (!bytes.ok) throw new InvalidCursorError();
  const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes.value);
  const digits = text.startsWith(VERSION) ? text.slice(VERSION.length) : '';
  if (!/^[1-9][0-9]{0,15}$/.test(digits)) throw new InvalidCursorError();
  const seq = Number(digits);
  if (!Number.isSafeInteger(seq)) throw new InvalidCursorError();
  return seq;
}

import { decodeBase64Url, encodeBase64Url, isWellFormedIdentityId } from '@titan/domain';

/** Thrown for a `cursor` that no page of ours produced. */
export class InvalidCursorError extends Error {
  override readonly name = 'InvalidCursorError';
  constructor() {
    super('cursor is not valid');
  }
}

const VERSION = 'i1:';

/** Opaque to callers: the last id of the previous page, versioned so the format can change. */
export const encodeIdentityCursor = (lastId: string): string => encodeBase64Url(new TextEncoder().encode(VERSION + lastId));

export function decodeIdentityCursor(cursor: string): string {
  const bytes = decodeBase64Url(cursor);
  if (!bytes.ok) throw new InvalidCursorError();
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes.value);
  } catch {
    throw new InvalidCursorError();
  }
  const id = text.startsWith(VERSION) ? text.slice(VERSION.length) : '';
  if (!isWellFormedIdentityId(id)) throw new InvalidCursorError();
  return id;
}

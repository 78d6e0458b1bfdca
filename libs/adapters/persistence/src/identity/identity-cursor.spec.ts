import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { decodeIdentityCursor, encodeIdentityCursor, InvalidCursorError } from './identity-cursor';

describe('identity cursor', () => {
  it('round-trips an id and hides it from casual reading', () => {
    const cursor = encodeIdentityCursor('orders.api-1');
    assert.match(cursor, /^[A-Za-z0-9_-]+$/);
    assert.ok(!cursor.includes('orders'));
    assert.equal(decodeIdentityCursor(cursor), 'orders.api-1');
  });

  it('refuses cursors it did not make', () => {
    const forged = [
      '', 'not base64!', 'AA==',
      Buffer.from('orders').toString('base64url'),
      Buffer.from('i1:NOT_AN_ID').toString('base64url'),
      Buffer.from([0x69, 0x31, 0x3a, 0xff]).toString('base64url'),
    ];
    for (const cursor of forged) assert.throws(() => decodeIdentityCursor(cursor), InvalidCursorError, cursor);
  });
});

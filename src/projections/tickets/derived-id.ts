import { createHash } from 'node:crypto';

/**
 * A UUID derived from an event id and a label (name-based, SHA-1, like UUID v5): history
 * entries and URL attachments need stable ids, and a rebuilt read model must give them the
 * same ids again, so they cannot be random.
 */
export function derivedUuid(eventId: string, label: string | number): string {
  const h = createHash('sha1').update(`${eventId}/${label}`).digest();
  h[6] = (h[6]! & 0x0f) | 0x50;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const hex = h.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

import { randomFillSync } from 'node:crypto';
import type { IdGenerator } from '../../ports/clock';

/**
 * UUIDs of version 7 (RFC 9562): 48 bits of Unix milliseconds, then 74 random bits. They are
 * valid UUIDs wherever a UUID is accepted, and they sort by creation time. That is why they are
 * the default: a new ticket's or event's id lands beside the other recent ids in every index on
 * `_id` (the read models' tables, the event log's stream and event-id indexes), in pages that are
 * already in memory, where a random (version 4) id lands on a random page of an index of millions
 * and reads it from disk or the OS cache first. Within one millisecond the order is random; no
 * code relies on ids sorting, only on their being unique. The time is read here, not from the
 * business clock: it places the id in the index and says nothing about when anything happened.
 */
export function createUuidV7Generator(now: () => number = Date.now): IdGenerator {
  const pool = Buffer.alloc(16 * 256);
  let offset = pool.length;
  return {
    uuid() {
      if (offset === pool.length) {
        randomFillSync(pool);
        offset = 0;
      }
      const b = pool.subarray(offset, offset + 16);
      offset += 16;
      b.writeUIntBE(now(), 0, 6);
      b[6] = 0x70 | (b[6]! & 0x0f);
      b[8] = 0x80 | (b[8]! & 0x3f);
      const h = b.toString('hex');
      return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
    },
  };
}

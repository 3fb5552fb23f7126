/**
 * Generated _id values for upserts and inserts without one: 24 hex digits shaped like a MongoDB
 * ObjectId (seconds, a per-generator random part, a counter), so they sort roughly by creation.
 */
import { randomBytes } from 'node:crypto';

export type IdGenerator = () => string;

export function createIdGenerator(now: () => number = Date.now): IdGenerator {
  const random = randomBytes(5).toString('hex');
  let counter = randomBytes(3).readUIntBE(0, 3);
  return () => {
    counter = (counter + 1) & 0xffffff;
    const seconds = Math.floor(now() / 1000) >>> 0;
    return seconds.toString(16).padStart(8, '0') + random + counter.toString(16).padStart(6, '0');
  };
}

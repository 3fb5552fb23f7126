import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NewEvent } from '../../src/ports/event-store';

/** An event with the least metadata an append takes. */
export function newEvent(type: string, data: Record<string, unknown> = {}): NewEvent {
  return { id: randomUUID(), type, data, metadata: { timestamp: new Date().toISOString(), schemaVersion: 1 } };
}

/** A path for an event store file in a temporary folder of its own; `remove` deletes the folder
 * (after the stores on it are closed). */
export function tempEventStoreFile(prefix: string): { filename: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { filename: join(dir, 'events.db'), remove: () => rmSync(dir, { recursive: true, force: true }) };
}

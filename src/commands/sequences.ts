import { toNewEvents, type CommandDeps, type RequestMeta } from './context';

/**
 * Per-type sequences for integer ids and human numbers (REQ-001, TKT-…, INV-…). Each number
 * is one event appended with expected revision `any`; the store assigns revisions atomically,
 * so the number (revision + 1) is never handed out twice, even under concurrent requests and
 * across instances. A failed command leaves a gap, never a duplicate.
 */
export async function nextSequenceNumber(deps: CommandDeps, sequence: string, meta: RequestMeta): Promise<number> {
  const result = await deps.eventStore.appendToStream(
    `sequence-${sequence}`,
    toNewEvents(deps, meta, [{ type: 'SequenceNumberAllocated', data: { sequence } }]),
    { expectedRevision: 'any' },
  );
  return result.nextExpectedRevision + 1;
}

/** REQ-001, TKT-000042: the prefix and the number padded to at least `width` digits. */
export function humanNumber(prefix: string, n: number, width = 3): string {
  return `${prefix}-${String(n).padStart(width, '0')}`;
}

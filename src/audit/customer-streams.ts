import type { EventStore } from '../ports/event-store';
import { customerIdOf } from '../projections/audit/projector';

/**
 * A customer's streams found by reading the whole log: the same rule as the audit index
 * (src/projections/audit/projector.ts: a stream belongs to the customer its events name), for
 * the command line when it works on the files without the read models.
 */
export async function customerStreamsFromLog(
  eventStore: Pick<EventStore, 'readAll'>,
  customerId: string,
  options: { pageSize?: number; onProgress?: (position: number) => void; signal?: AbortSignal } = {},
): Promise<string[]> {
  const pageSize = options.pageSize ?? 5000;
  const streams = new Set<string>();
  for (let from = 0; ; ) {
    if (options.signal?.aborted) throw new Error('interrupted');
    const page = await eventStore.readAll({ fromPosition: from, maxCount: pageSize });
    for (const e of page) if (customerIdOf(e.data) === customerId) streams.add(e.streamName);
    if (page.length === 0) break;
    from = page[page.length - 1]!.position;
    options.onProgress?.(from);
    if (page.length < pageSize) break;
  }
  return [...streams];
}

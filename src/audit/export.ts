import type { EventStore, RecordedEvent } from '../ports/event-store';

/**
 * Exports for auditors: events as JSON Lines, one stored event per line (id, streamName, type,
 * revision, position, data, metadata with prevHash and hash), exactly the fields the hash chain
 * covers, so the chain can be recomputed outside the product (docs/audit.md,
 * scripts/verify-export.mjs). A customer's export holds each of its streams whole, from
 * revision 0, merged in log order.
 */

/** The events of these streams, whole, merged in log order. */
export async function eventsOfStreams(eventStore: Pick<EventStore, 'readStream'>, streams: readonly string[]): Promise<RecordedEvent[]> {
  const all = (await Promise.all(streams.map((s) => eventStore.readStream(s)))).flat();
  return all.sort((a, b) => a.position - b.position);
}

/** One line of an export: the event as given (already redacted where it must be), and a newline. */
export function exportLine(event: RecordedEvent & { redacted?: string[] }): string {
  const { redacted, ...stored } = event;
  return `${JSON.stringify(redacted && redacted.length > 0 ? { ...stored, redacted } : stored)}\n`;
}

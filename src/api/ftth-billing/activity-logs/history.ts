import type { EventStore, RecordedEvent } from '../../../ports/event-store';
import type { ReadStore } from '../../../ports/read-store';
import { customerStream } from '../../../domain/customer';
import { invoiceStream } from '../../../domain/invoice';
import { paymentStream } from '../../../domain/payment';
import { subscriptionStream } from '../../../domain/subscription';
import { getClosedPelanggan, getPelanggan, langgananOfPelanggan } from '../../../projections/billing-customers/queries';
import { invoicesOfPelanggan, paymentsOfPelanggan } from '../../../projections/billing-invoices/queries';

/** What a customer's billing history shows of its customer stream: that it existed, and when it was closed. */
const CUSTOMER_FACTS: Record<string, readonly string[]> = {
  CustomerRegistered: ['customerId', 'number', 'code', 'status', 'brand', 'registeredAt'],
  CustomerClosed: ['customerId', 'number', 'reason', 'closedAt'],
};

export interface HistoryEntry {
  position: number;
  event_id: string;
  type: string;
  stream: string;
  timestamp: string;
  actor: { user_id: string; role: string } | null;
  data: Record<string, unknown>;
}

/**
 * A customer's billing history for auditors, read from the event log: the streams of its
 * subscriptions, invoices (callbacks included) and payments, and its own registration and
 * closure, merged in log order. The read models only say which streams are the customer's; what
 * is shown is what the log holds, so it is the same before and after a restart or a rebuild.
 * Personal fields of the customer are not shown (they are in the customer's stream, for
 * /ops/streams). Null for an id that never was a customer.
 */
export async function billingHistory(
  deps: { readStore: ReadStore; eventStore: Pick<EventStore, 'readStream'>; registry: { upcast(type: string, version: number, data: Record<string, unknown>): Record<string, unknown> } },
  pelangganId: number,
): Promise<{ closed: boolean; entries: HistoryEntry[] } | null> {
  const open = await getPelanggan(deps.readStore, pelangganId);
  const closed = open ? null : await getClosedPelanggan(deps.readStore, pelangganId);
  const customerId = open?._id ?? closed?._id;
  if (!customerId) return null;
  const [subscriptions, invoices, payments] = await Promise.all([
    langgananOfPelanggan(deps.readStore, pelangganId),
    invoicesOfPelanggan(deps.readStore, pelangganId),
    paymentsOfPelanggan(deps.readStore, pelangganId),
  ]);
  const streams = [
    customerStream(customerId),
    ...subscriptions.map((s) => subscriptionStream(s.id)),
    ...invoices.map((i) => invoiceStream(i.id)),
    ...payments.map((p) => paymentStream(p.id)),
  ];
  const events: RecordedEvent[] = (await Promise.all(streams.map((s) => deps.eventStore.readStream(s)))).flat();
  events.sort((a, b) => a.position - b.position);
  const entries: HistoryEntry[] = [];
  for (const e of events) {
    let data = deps.registry.upcast(e.type, e.metadata.schemaVersion, e.data);
    if (e.streamName.startsWith('customer-')) {
      const keep = CUSTOMER_FACTS[e.type];
      if (!keep) continue;
      data = Object.fromEntries(keep.filter((k) => k in data).map((k) => [k, data[k]]));
    }
    const actor = e.metadata.actor ?? null;
    entries.push({
      position: e.position,
      event_id: e.id,
      type: e.type,
      stream: e.streamName,
      timestamp: e.metadata.timestamp,
      actor: actor ? { user_id: actor.userId, role: actor.role } : null,
      data,
    });
  }
  return { closed: open === null, entries };
}

import { domainEvents } from '../../domain';
import type { Doc } from '../../ports/read-store';
import { insertOnce, type ProjectedEvent, type Projector } from '../engine/projector';

/**
 * The audit index: what the audit API (src/api/audit/) needs to find events across streams
 * without walking the whole log. The events themselves stay in the log; this only points at
 * them (stream and revision), so nothing here can disagree with what the log holds.
 *
 * - `audit_events`: one document per event, by event id, with the request and correlation ids
 *   it was recorded with (`ids`, a multikey index with the position): every event one request
 *   or correlation id caused, across all streams, in log order
 *   (`GET /api/v1/audit/correlations/{id}`).
 * - `audit_customer_streams`: one document per stream whose events name a customer
 *   (`data.customerId`: the customer itself, its tickets, subscriptions, invoices, payments,
 *   technical data, PPPoE sync, its login account): a whole customer's streams, for the billing
 *   history and the customer export.
 *
 * It follows every event type there is: the domain's (src/domain/index.ts, so an aggregate
 * registered there is indexed without touching this file) and the consistency machinery's
 * below (projector.unit.test.ts holds this list to the application's registry).
 */

export const AUDIT_EVENTS = 'audit_events';
export const AUDIT_CUSTOMER_STREAMS = 'audit_customer_streams';

/** Event types outside src/domain: reservations, sequences, idempotency keys, the first start,
 * reactor checkpoints (src/commands/system-events.ts, src/reactors/checkpointed-reactor.ts). */
export const INFRASTRUCTURE_EVENT_TYPES = [
  'UniqueValueReserved',
  'UniqueValueReleased',
  'SequenceNumberAllocated',
  'IdempotencyKeyClaimed',
  'IdempotentResponseRecorded',
  'IdempotencyClaimAbandoned',
  'SystemBootstrapped',
  'ReactorCheckpointStored',
] as const;

export interface AuditEventDoc extends Doc {
  /** The request id and the correlation id the event was recorded with (one when they are equal). */
  ids: string[];
  stream: string;
  revision: number;
  position: number;
}

export interface CustomerStreamDoc extends Doc {
  customer_id: string;
  /** Position of the first event of the stream that named the customer. */
  position: number;
}

/** The customer an event is about, when its data names one. */
export function customerIdOf(data: Record<string, unknown>): string | null {
  return typeof data.customerId === 'string' && data.customerId.length > 0 ? data.customerId : null;
}

/** The ids an event can be found by: its request id and correlation id. */
export function lookupIdsOf(metadata: { requestId?: string; correlationId?: string }): string[] {
  const ids = [metadata.requestId, metadata.correlationId].filter((id): id is string => typeof id === 'string' && id.length > 0);
  return [...new Set(ids)];
}

export const auditIndexProjector: Projector = {
  name: 'audit-index',
  handles: [...new Set([...domainEvents.map((d) => d.type), ...INFRASTRUCTURE_EVENT_TYPES])],
  collections: {
    [AUDIT_EVENTS]: [{ keys: { ids: 1, position: 1 } }],
    [AUDIT_CUSTOMER_STREAMS]: [{ keys: { customer_id: 1, position: 1 } }],
  },
  async apply(event: ProjectedEvent, ctx) {
    const ids = lookupIdsOf(event.metadata);
    if (ids.length > 0) {
      await insertOnce(
        ctx.collection<AuditEventDoc>(AUDIT_EVENTS),
        { _id: event.id, ids, stream: event.streamName, revision: event.revision, position: event.position },
        event.position,
      );
    }
    const customerId = customerIdOf(event.data);
    if (customerId) {
      // A stream names its customer in many events; the first one links it, the others find
      // the link and change nothing (looked up, not inserted and refused: a refused insert
      // costs the store's error and the port's, each with its stack).
      const links = ctx.collection<CustomerStreamDoc>(AUDIT_CUSTOMER_STREAMS);
      if ((await links.findOne({ _id: event.streamName })) === null) {
        await insertOnce(links, { _id: event.streamName, customer_id: customerId, position: event.position }, event.position);
      }
    }
  },
};

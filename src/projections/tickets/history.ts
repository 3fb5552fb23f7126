import type { GeoLocation, TicketActor, TicketEvent, TicketFieldChanges } from '../../domain/ticket';
import type { EventStore } from '../../ports/event-store';
import type { EventRegistry } from '../../domain/shared/events';
import { ticketStream } from '../../domain/ticket';
import type { ProjectedEvent } from '../engine/projector';
import { derivedUuid } from './derived-id';
import type { HeldHistories } from './held-histories';

/** One entry of a ticket's history; each ticket event yields one or more. */
export interface TicketHistoryEntry {
  id: string;
  /** created, <field>_changed, assigned, reassigned, status_changed, rated, commented, attachment_added, sla_warning, sla_breached */
  action: string;
  /** For <field>_changed: the field (snake_case). */
  field: string | null;
  old_value: string | null;
  new_value: string | null;
  notes: string | null;
  /** Who did it (`system` for the SLA job). */
  user_id: string;
  user_role: string;
  created_at: string;
  /** A staff-only comment (004 `is_internal`): never shown to the customer. */
  internal?: boolean;
}

/** What the history needs of an event: its id (entry ids derive from it), its data, its actor. */
export type HistoryEvent = Pick<ProjectedEvent, 'id' | 'metadata'> & TicketEvent;

export const FIELD_NAMES: Record<keyof TicketFieldChanges, string> = {
  title: 'title',
  description: 'description',
  priority: 'priority',
  type: 'type',
  location: 'location',
  scheduledAt: 'scheduled_at',
  slaDeadline: 'sla_deadline',
};

const SYSTEM: TicketActor = { userId: 'system', role: 'system' };

function asText(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value;
  if (typeof value === 'object' && 'lat' in value && 'lng' in value) {
    const l = value as GeoLocation;
    return `${l.lat},${l.lng}`;
  }
  return String(value);
}

/**
 * The history entries one ticket event yields: every change with action, old value, new value,
 * who and when. Entry ids derive from the event id, so the same event always yields the same ids.
 */
export function historyOf(event: HistoryEvent): TicketHistoryEntry[] {
  const entries: TicketHistoryEntry[] = [];
  const entry = (by: TicketActor, at: string, action: string, oldValue: unknown, newValue: unknown, extra: { field?: string; notes?: string | null } = {}) =>
    entries.push({
      id: derivedUuid(event.id, `history-${entries.length}`),
      action,
      field: extra.field ?? null,
      old_value: asText(oldValue),
      new_value: asText(newValue),
      notes: extra.notes ?? null,
      user_id: by.userId,
      user_role: by.role,
      created_at: at,
    });
  switch (event.type) {
    case 'TicketCreated': {
      const d = event.data;
      entry(d.createdBy, d.createdAt, 'created', null, 'new', { notes: d.ticketNumber });
      break;
    }
    case 'TicketUpdated': {
      const d = event.data;
      for (const key of Object.keys(d.changes) as (keyof TicketFieldChanges)[]) {
        const field = FIELD_NAMES[key];
        entry(d.updatedBy, d.updatedAt, `${field}_changed`, d.previous[key], d.changes[key], { field });
      }
      break;
    }
    case 'TicketAssigned': {
      const d = event.data;
      entry(d.assignedBy, d.assignedAt, d.previousTechnicianId ? 'reassigned' : 'assigned', d.previousTechnicianId, d.technicianId, { notes: d.notes });
      if (d.status === 'assigned' && !d.previousTechnicianId) entry(d.assignedBy, d.assignedAt, 'status_changed', 'new', 'assigned');
      break;
    }
    case 'TicketStatusChanged': {
      const d = event.data;
      entry(d.changedBy, d.changedAt, 'status_changed', d.from, d.to, { notes: d.notes });
      if (d.rating !== null) entry(d.changedBy, d.changedAt, 'rated', null, d.rating);
      break;
    }
    case 'TicketCommentAdded': {
      const d = event.data;
      entry(d.author, d.createdAt, 'commented', null, d.comment);
      if (d.isInternal) entries[entries.length - 1]!.internal = true;
      break;
    }
    case 'TicketAttachmentAdded': {
      const d = event.data;
      entry(d.uploadedBy, d.uploadedAt, 'attachment_added', null, d.filename);
      break;
    }
    case 'TicketSlaWarningRaised': {
      const d = event.data;
      entry(event.metadata.actor ?? SYSTEM, d.raisedAt, 'sla_warning', null, d.slaDeadline);
      break;
    }
    case 'TicketSlaBreached': {
      const d = event.data;
      entry(event.metadata.actor ?? SYSTEM, d.breachedAt, 'sla_breached', null, d.slaDeadline);
      break;
    }
  }
  return entries;
}

/**
 * A ticket's history, read from its stream up to `revision` (the read model's revision, so the
 * history matches the rest of the document shown with it). It is derived from the events each
 * time it is shown rather than kept in the read model: an auditor sees exactly what the log
 * holds, and the read model stays small (the history was most of a ticket document). With
 * `histories`, the entries already derived are reused and only the events after them are read
 * (held-histories.ts).
 */
export async function readTicketHistory(
  deps: { eventStore: EventStore; registry: Pick<EventRegistry, 'upcast'>; histories?: HeldHistories },
  ticketId: string,
  revision: number,
): Promise<TicketHistoryEntry[]> {
  const held = deps.histories?.upTo(ticketId, revision);
  if (held !== undefined) return held;
  const from = (deps.histories?.revisionOf(ticketId) ?? -1) + 1;
  const events = await deps.eventStore.readStream(ticketStream(ticketId), { fromRevision: from, maxCount: revision + 1 - from, cached: true });
  const entriesByEvent = events.map((e) =>
    historyOf({ id: e.id, metadata: e.metadata, type: e.type, data: deps.registry.upcast(e.type, e.metadata.schemaVersion, e.data) } as HistoryEvent),
  );
  deps.histories?.extend(ticketId, from, entriesByEvent);
  if (from === 0) return entriesByEvent.flat();
  // The earlier entries are held (from > 0 only with held histories); a ticket forgotten in
  // between is read whole.
  return deps.histories!.upTo(ticketId, revision) ?? readTicketHistory({ ...deps, histories: undefined }, ticketId, revision);
}

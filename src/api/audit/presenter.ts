import type { RecordedEvent } from '../../ports/event-store';
import type { BillingHistoryEntry } from '../../audit/billing-history';
import type { FieldChange } from '../../audit/diff';
import { redactSecrets } from '../http/secrets';
import { array, boolean, integer, nullable, object, oneOfValues, string } from '../openapi/schema';
import type { SchemaObject } from '../openapi/types';

/**
 * How the audit API writes events: as the store holds them (id, streamName, type, revision,
 * position, data, metadata with who, when, request/correlation/causation ids, schema version and
 * the hash chain), so an answer can be checked against the chain like an export, but for the
 * secrets (password hashes, token ids, sealed credentials: src/api/http/secrets.ts), replaced by
 * `[redacted]` and named in `redacted`.
 */
export function presentEvent(event: RecordedEvent): RecordedEvent & { redacted: string[] } {
  const { value, redacted } = redactSecrets(event.data);
  return { ...event, data: value, redacted: redacted.map((path) => `data.${path}`) };
}

/** A state (or any value shown as stored) without its secrets. */
export const withoutSecrets = <T>(value: T): T => redactSecrets(value).value;

export function presentChange(c: FieldChange): FieldChange {
  return { path: c.path, from: withoutSecrets(c.from), to: withoutSecrets(c.to) };
}

export function presentBillingEntry(e: BillingHistoryEntry) {
  return {
    kind: e.kind,
    type: e.event.type,
    stream: e.event.streamName,
    revision: e.event.revision,
    position: e.event.position,
    timestamp: e.event.metadata.timestamp,
    actor: e.event.metadata.actor ?? null,
    request_id: e.event.metadata.requestId ?? null,
    data: withoutSecrets(e.data),
    hash: e.event.metadata.hash,
  };
}

// The OpenAPI side of the above (what these functions write).

const actor = nullable(object({ userId: string(), role: string() }));

export const AUDIT_SCHEMAS: Record<string, SchemaObject> = {
  AuditEvent: object(
    {
      id: string('The event id.'),
      streamName: string(),
      type: string(),
      revision: integer('0-based, per stream.'),
      position: integer('Global log position (strictly increasing, not necessarily contiguous).'),
      data: { type: 'object', description: 'The data as stored (its schema version is in metadata), secrets redacted.' },
      metadata: object(
        {
          actor: { ...actor, description: 'Who: the user id and the role they acted in (`system` for jobs).' },
          requestId: string(),
          correlationId: string(),
          causationId: string(),
          timestamp: string('When (ISO-8601, from the clock of the server that wrote it).'),
          schemaVersion: integer(),
          prevHash: string('The hash of the previous event of the stream (empty for revision 0).'),
          hash: string('sha256 over prevHash, stream, revision, id, type, data and the metadata above (src/ports/hash-chain.ts).'),
        },
        { optional: ['actor', 'requestId', 'correlationId', 'causationId'] },
      ),
      redacted: array(string(), 'Fields replaced by `[redacted]` (the stored value is hashed, so such an event verifies only on the server).'),
    },
    { description: 'An event as the store holds it.' },
  ),
  AuditFieldChange: object({ path: string('Dotted path in the state; empty for the whole state.'), from: {}, to: {} }),
  AuditBrokenLink: object({
    stream: string(),
    revision: integer(),
    position: integer(),
    reason: string(),
  }),
  AuditBillingEntry: object({
    kind: oneOfValues(['invoice', 'payment', 'refund', 'suspension', 'reactivation', 'subscription']),
    type: string('The event type.'),
    stream: string(),
    revision: integer(),
    position: integer(),
    timestamp: string(),
    actor,
    request_id: nullable(string()),
    data: { type: 'object', description: 'The event data in its current shape (upcast), secrets redacted.' },
    hash: string(),
  }),
  AuditVerification: object({
    ok: boolean(),
    checked: integer('Events checked.'),
    streams: integer('Streams checked.'),
    first_broken: { anyOf: [{ $ref: '#/components/schemas/AuditBrokenLink' }, { type: 'null' }], description: 'The first event (in log order) whose link fails, or null.' },
  }),
};

import { array, boolean, dateTime, integer, nullable, number, object, oneOfValues, ref, string } from '../openapi/schema';
import type { SchemaObject } from '../openapi/types';

/** What /health and /ops answer about the projections (runner.ts status, rebuild.ts and compare.ts progress). */

const projectorStatus = object(
  {
    name: string(),
    checkpoint: integer('Log position applied.'),
    version: integer('Version of the projector whose documents are served (a standby does not report it).'),
    codeVersion: integer('Version the running code declares; when it differs from `version`, a rebuild of the new version runs beside the one that serves.'),
    appliedSinceStart: integer('Events this projector applied since the process started: after a restart, only those past its checkpoint.'),
    faulted: nullable(object({ position: integer(), eventType: string(), error: string() })),
  },
  { optional: ['version', 'codeVersion', 'appliedSinceStart'] },
);

export const runnerStatus: Record<string, SchemaObject> = {
  running: boolean(),
  caughtUp: boolean(),
  position: integer('Log position every read model has applied.'),
  lag: object({ samples: integer(), p50Ms: nullable(number()), p99Ms: nullable(number()), maxMs: nullable(number()) }, { description: 'Event timestamp to applied, over recent live events.' }),
  projectors: array(projectorStatus),
  lease: object(
    { name: string(), owner: string(), role: string('active or standby.'), holder: nullable(string()) },
    { description: 'With a shared (MongoDB) read store: this instance’s role and the lease holder.' },
  ),
};
export const runnerOptional = ['lease'];

export const OPS_SCHEMAS: Record<string, SchemaObject> = {
  Health: object({
    status: oneOfValues(['ok', 'degraded', 'starting', 'unavailable']),
    stores: { type: 'object', description: 'The event, read and file stores in use (or the error reaching them).' },
    projections: object(runnerStatus, { optional: runnerOptional }),
    rebuilds: array(ref('OpsRebuildProgress'), 'Rebuilds in progress: a new projector version, or one an operator started. The version before keeps serving.'),
  }),
  OpsRebuildProgress: object({
    projector: string(),
    state: oneOfValues(['running', 'done', 'failed']),
    processed: integer(),
    position: integer(),
    target: integer(),
    startedAt: dateTime(),
    finishedAt: nullable(dateTime()),
    eventsPerSecond: nullable(number()),
    error: nullable(string()),
  }),
  OpsCompareProgress: object({
    projector: string(),
    state: oneOfValues(['running', 'equal', 'different', 'failed']),
    processed: integer('Events replayed into the scratch collections.'),
    position: integer(),
    target: integer('The position the live documents reflect.'),
    startedAt: dateTime(),
    finishedAt: nullable(dateTime()),
    eventsPerSecond: nullable(number()),
    collections: array(object({ name: string(), live: integer(), rebuilt: integer(), missing: integer(), extra: integer(), different: integer() })),
    differences: array(
      object({
        collection: string(),
        id: string(),
        kind: oneOfValues(['missing', 'extra', 'different']),
        live: nullable({ type: 'object' }),
        rebuilt: nullable({ type: 'object' }),
      }),
      'The first 20 differences.',
    ),
    error: nullable(string()),
  }),
  OpsProjectorLag: object({
    name: string(),
    position: integer('The log position its documents reflect.'),
    events: integer('Events in the log after it (counted up to 10,000).'),
    capped: boolean('More than 10,000.'),
    seconds: number('Age of the oldest event not yet reflected (0 when up to date).'),
  }),
  OpsRecordedEvent: object({
    id: string(),
    streamName: string(),
    type: string(),
    revision: integer(),
    position: integer(),
    data: { type: 'object' },
    metadata: {
      type: 'object',
      description: 'actor, requestId, correlationId, causationId, timestamp, schemaVersion, and the hash chain (prevHash, hash).',
      required: ['timestamp', 'schemaVersion', 'prevHash', 'hash'],
    },
    redacted: array(string(), 'Fields replaced by `[redacted]`.'),
  }),
};

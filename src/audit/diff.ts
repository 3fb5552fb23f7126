import type { RecordedEvent } from '../ports/event-store';
import { readWholeStream, requireAggregate, stateOfEvents, type StateDeps } from './state';

/**
 * What changed in an aggregate between two revisions: both states folded with its own evolve,
 * compared field by field (a dotted path per changed leaf; arrays compared whole), and the
 * events in between that made the change.
 */

export interface FieldChange {
  /** Dotted path of the field in the state (`location.lat`); '' for the whole state. */
  path: string;
  from: unknown;
  to: unknown;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/** The leaves that differ between two JSON values, in the order of their keys. */
export function diffJson(from: unknown, to: unknown, path = ''): FieldChange[] {
  if (isPlainObject(from) && isPlainObject(to)) {
    const keys = [...new Set([...Object.keys(from), ...Object.keys(to)])];
    return keys.flatMap((k) => diffJson(from[k], to[k], path ? `${path}.${k}` : k));
  }
  return same(from, to) ? [] : [{ path, from: from ?? null, to: to ?? null }];
}

export interface StreamDiff {
  stream: string;
  aggregate: string;
  from: number;
  to: number;
  changes: FieldChange[];
  /** The events after `from` up to and including `to`. */
  events: RecordedEvent[];
}

export async function streamDiff(deps: StateDeps, stream: string, from: number, to: number): Promise<StreamDiff> {
  const type = requireAggregate(stream);
  const events = await readWholeStream(deps.eventStore, stream);
  const before = stateOfEvents(deps, type, stream, events, { revision: from });
  const after = stateOfEvents(deps, type, stream, events, { revision: to });
  return {
    stream,
    aggregate: type.prefix,
    from,
    to,
    changes: diffJson(before.state, after.state),
    events: events.filter((e) => e.revision > from && e.revision <= to),
  };
}

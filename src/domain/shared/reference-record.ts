import { z } from 'zod';
import type { Decider, DomainEvent } from './decider';
import { IllegalStateError, NotFoundError, ValidationError, type FieldErrors } from './errors';
import { defineEvent, type EventDefinition } from './events';

/**
 * Reference records (branches, main branches, departments, device categories and their parent
 * categories): small aggregates named by an integer id from a per-type sequence, with a UUID
 * beside it, created and then updated field by field. One stream per record,
 * `<kind>-<integer id>`. Whether the records a record points to exist (a branch's main branch,
 * a category's parent) is looked up by the command and handed to the decider as field errors,
 * as a ticket's customer is.
 */
export interface ReferenceRecordState<D> {
  exists: boolean;
  id: number;
  uuid: string;
  details: D;
}

export type ReferenceRecordCommand<D> =
  | { type: 'Create'; id: number; uuid: string; details: D; invalid: FieldErrors; now: string }
  | { type: 'Update'; changes: Partial<D>; invalid: FieldErrors; now: string };

export type CreatedEvent<T extends string, D> = DomainEvent<T, { id: number; uuid: string; details: D; createdAt: string }>;
export type UpdatedEvent<T extends string, D> = DomainEvent<T, { id: number; changes: Partial<D>; updatedAt: string }>;

export interface ReferenceRecord<C extends string, U extends string, D> {
  kind: string;
  created: EventDefinition<C>;
  updated: EventDefinition<U>;
  events: EventDefinition[];
  stream(id: number): string;
  decider: Decider<ReferenceRecordState<D>, ReferenceRecordCommand<D>, CreatedEvent<C, D> | UpdatedEvent<U, D>>;
}

export function defineReferenceRecord<C extends string, U extends string, S extends z.ZodObject>(
  kind: string,
  created: C,
  updated: U,
  details: S,
  empty: z.infer<S>,
): ReferenceRecord<C, U, z.infer<S>> {
  type D = z.infer<S>;
  type E = CreatedEvent<C, D> | UpdatedEvent<U, D>;
  const id = z.number().int().positive();
  const createdDef = defineEvent(created, z.object({ id, uuid: z.string(), details, createdAt: z.string() }));
  const updatedDef = defineEvent(updated, z.object({ id, changes: details.partial(), updatedAt: z.string() }));
  const evolve = (state: ReferenceRecordState<D>, event: E): ReferenceRecordState<D> => {
    if (event.type === created) {
      const d = (event as CreatedEvent<C, D>).data;
      return { exists: true, id: d.id, uuid: d.uuid, details: d.details };
    }
    return { ...state, details: { ...state.details, ...(event as UpdatedEvent<U, D>).data.changes } };
  };
  const decide = (command: ReferenceRecordCommand<D>, state: ReferenceRecordState<D>): E[] => {
    if (Object.keys(command.invalid).length > 0) throw new ValidationError(command.invalid);
    if (command.type === 'Create') {
      if (state.exists) throw new IllegalStateError(`${kind} already exists`);
      return [{ type: created, data: { id: command.id, uuid: command.uuid, details: command.details, createdAt: command.now } } as E];
    }
    if (!state.exists) throw new NotFoundError(kind, String(state.id));
    const changes: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(command.changes)) {
      if (v !== undefined && (state.details as Record<string, unknown>)[k] !== v) changes[k] = v;
    }
    if (Object.keys(changes).length === 0) return [];
    return [{ type: updated, data: { id: state.id, changes: changes as Partial<D>, updatedAt: command.now } } as E];
  };
  return {
    kind,
    created: createdDef,
    updated: updatedDef,
    events: [createdDef, updatedDef],
    stream: (n) => `${kind}-${n}`,
    decider: { initialState: () => ({ exists: false, id: 0, uuid: '', details: empty }), evolve, decide },
  };
}

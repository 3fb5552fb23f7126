import type { z } from 'zod';
import type { DomainEvent } from './decider';

/**
 * Versioned event types. Each event type has a current schema version and a zod schema for
 * that version; upcasters turn data written under an older version into the current shape
 * when it is read, so old logs replay after the schema moves on.
 */
export interface EventDefinition<Type extends string = string, Schema extends z.ZodType = z.ZodType> {
  type: Type;
  version: number;
  schema: Schema;
  /** upcasters[n] turns version n data into version n + 1 data. */
  upcasters: Record<number, (data: Record<string, unknown>) => Record<string, unknown>>;
}

export function defineEvent<Type extends string, Schema extends z.ZodType>(
  type: Type,
  schema: Schema,
  options: { version?: number; upcasters?: EventDefinition['upcasters'] } = {},
): EventDefinition<Type, Schema> {
  return { type, schema, version: options.version ?? 1, upcasters: options.upcasters ?? {} };
}

/** The DomainEvent type an event definition describes. */
export type EventOf<D> = D extends EventDefinition<infer T, infer S> ? DomainEvent<T, z.infer<S>> : never;

export class EventRegistry {
  private readonly defs = new Map<string, EventDefinition>();

  constructor(definitions: readonly EventDefinition[] = []) {
    for (const d of definitions) this.register(d);
  }

  register(def: EventDefinition): this {
    if (this.defs.has(def.type)) throw new Error(`Event type ${def.type} registered twice`);
    this.defs.set(def.type, def);
    return this;
  }

  has(type: string): boolean {
    return this.defs.has(type);
  }

  types(): string[] {
    return [...this.defs.keys()];
  }

  versionOf(type: string): number {
    return this.require(type).version;
  }

  /** Validates data about to be appended; throws with the event type and the zod issues. */
  validate(type: string, data: unknown): Record<string, unknown> {
    const def = this.require(type);
    const parsed = def.schema.safeParse(data);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
      throw new Error(`Invalid ${type} event data: ${issues}`);
    }
    return parsed.data as Record<string, unknown>;
  }

  /** Brings data stored under `version` up to the current version. Unknown types pass through. */
  upcast(type: string, version: number, data: Record<string, unknown>): Record<string, unknown> {
    const def = this.defs.get(type);
    if (!def || version >= def.version) return data;
    let current = data;
    for (let v = version; v < def.version; v++) {
      const up = def.upcasters[v];
      if (!up) throw new Error(`No upcaster for ${type} from version ${v} to ${v + 1}`);
      current = up(current);
    }
    return current;
  }

  private require(type: string): EventDefinition {
    const def = this.defs.get(type);
    if (!def) throw new Error(`Unknown event type ${type}`);
    return def;
  }
}

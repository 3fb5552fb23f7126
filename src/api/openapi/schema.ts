import { z } from 'zod';
import type { ParameterObject, ReferenceObject, SchemaObject } from './types';

/**
 * Small helpers for writing JSON Schema by hand (the response shapes, read off the presenters)
 * and for turning the routers' zod schemas into request schemas and query parameters.
 */

export const ref = (name: string): SchemaObject => ({ $ref: `#/components/schemas/${name}` });

export const string = (description?: string): SchemaObject => withDescription({ type: 'string' }, description);
export const integer = (description?: string): SchemaObject => withDescription({ type: 'integer' }, description);
export const number = (description?: string): SchemaObject => withDescription({ type: 'number' }, description);
export const boolean = (description?: string): SchemaObject => withDescription({ type: 'boolean' }, description);
export const uuid = (description?: string): SchemaObject => withDescription({ type: 'string', format: 'uuid' }, description);
export const dateTime = (description?: string): SchemaObject => withDescription({ type: 'string', format: 'date-time' }, description);
export const date = (description?: string): SchemaObject => withDescription({ type: 'string', format: 'date' }, description);
export const constant = (value: string | boolean | number): SchemaObject => ({ const: value });
export const oneOfValues = (values: readonly string[], description?: string): SchemaObject =>
  withDescription({ type: 'string', enum: [...values] }, description);
export const array = (items: SchemaObject, description?: string): SchemaObject => withDescription({ type: 'array', items }, description);
/** An object whose keys are not fixed (counts by status, free-form data). */
export const record = (values: SchemaObject, description?: string): SchemaObject =>
  withDescription({ type: 'object', additionalProperties: values }, description);

function withDescription(schema: SchemaObject, description: string | undefined): SchemaObject {
  return description ? { ...schema, description } : schema;
}

/** `schema` or null: a type list for plain types, anyOf for references and enums. */
export function nullable(schema: SchemaObject): SchemaObject {
  const { type, description, ...rest } = schema;
  if (typeof type === 'string' && rest.enum === undefined && rest.const === undefined) {
    return { type: [type, 'null'], ...rest, ...(description ? { description } : {}) };
  }
  return { anyOf: [schema, { type: 'null' }] };
}

/**
 * An object whose properties the presenter always writes: every property is required, unless
 * listed in `optional` (present only sometimes).
 */
export function object(properties: Record<string, SchemaObject>, options: { optional?: readonly string[]; description?: string } = {}): SchemaObject {
  const optional = new Set(options.optional ?? []);
  for (const name of optional) if (!(name in properties)) throw new Error(`optional property ${name} is not a property`);
  return withDescription(
    { type: 'object', properties, required: Object.keys(properties).filter((k) => !optional.has(k)) },
    options.description,
  );
}

/** A request-side JSON Schema from a zod schema: what the client may send (zod's input side). */
export function fromZod(schema: z.ZodType): SchemaObject {
  const json: SchemaObject = { ...z.toJSONSchema(schema, { target: 'draft-2020-12', io: 'input', unrepresentable: 'any' }) };
  delete json.$schema;
  return json;
}

/**
 * Query parameters from a zod object schema, one per property, with the schema's constraints
 * and defaults. `descriptions` names parameters of the schema (a name the schema lacks throws,
 * so a renamed parameter cannot leave a stale description behind).
 */
export function queryParameters(schema: z.ZodType, descriptions: Record<string, string> = {}): ParameterObject[] {
  const json = fromZod(schema);
  const properties = (json.properties ?? {}) as Record<string, SchemaObject>;
  const required = new Set((json.required ?? []) as string[]);
  for (const name of Object.keys(descriptions)) {
    if (!(name in properties)) throw new Error(`query parameter ${name} is not in the schema`);
  }
  return Object.entries(properties).map(([name, property]) => ({
    name,
    in: 'query' as const,
    // A parameter with a default may be left out.
    required: required.has(name) && property.default === undefined,
    ...(descriptions[name] ? { description: descriptions[name] } : {}),
    schema: property,
  }));
}

export const parameterRef = (name: string): ReferenceObject => ({ $ref: `#/components/parameters/${name}` });

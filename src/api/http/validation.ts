import type { z } from 'zod';
import { ValidationError, type FieldErrors } from '../../domain/shared/errors';

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let current: unknown = input;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

const humanise = (field: string) => field.replace(/\./g, ' ').replace(/_/g, ' ');

/**
 * Parses input with a zod schema; on failure throws ValidationError with messages per field
 * ("The serial number field is required." for a missing field, the schema's message otherwise).
 * Each API formats the ValidationError in its own error format.
 */
export function validate<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const fields: FieldErrors = {};
  for (const issue of parsed.error.issues) {
    const field = issue.path.map(String).join('.') || 'body';
    const missing = issue.code === 'invalid_type' && (valueAt(input, issue.path) === undefined || valueAt(input, issue.path) === null);
    const message = missing ? `The ${humanise(field)} field is required.` : issue.message;
    (fields[field] ??= []).push(message);
  }
  throw new ValidationError(fields);
}

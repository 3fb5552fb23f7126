import { z } from 'zod';

/** `{ name }`: the body of main branches, departments and parent categories. */
const name = z
  .string({ error: 'The name must be a string.' })
  .trim()
  .min(1, 'The name field is required.')
  .max(100, 'The name may not be greater than 100 characters.');

export const namedBody = z.object({ name });
export const namedUpdateBody = z.object({ name: name.optional() });

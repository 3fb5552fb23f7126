import type { Request, Response } from 'express';
import { DuplicateError, NotFoundError, ValidationError } from '../../../domain/shared/errors';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A path id that is not a UUID names nothing: 404, like an unknown one. */
export function uuidParam(req: Request, entity: string, name = 'id'): string {
  const raw = String(req.params[name]);
  if (!UUID.test(raw)) throw new NotFoundError(entity, raw);
  return raw.toLowerCase();
}

/** If-Match: "3", 3 or W/"3" → 3; absent → undefined. */
export function ifMatch(req: Request): number | undefined {
  const header = req.get('if-match');
  if (header === undefined) return undefined;
  const m = /^(?:W\/)?"?(\d+)"?$/.exec(header.trim());
  if (!m) throw new ValidationError({ 'If-Match': ['The If-Match header must be an ETag from this API.'] });
  return Number(m[1]);
}

/** ETag: the aggregate's stream revision. */
export function setEtag(res: Response, revision: number): void {
  res.setHeader('ETag', `"${revision}"`);
}

/** The email is unique across all users, whatever API registered them: 409 DUPLICATE_ENTRY on `email`. */
export async function asDuplicateEmail<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (err) {
    if (err instanceof DuplicateError && err.field === 'user_email') throw new DuplicateError('email', err.value);
    throw err;
  }
}

import type { Request, Response } from 'express';
import { z } from 'zod';
import { NotFoundError, ValidationError } from '../../domain/shared/errors';

/**
 * Optimistic concurrency over HTTP, the same for every API: reads of one aggregate send its
 * stream revision as the ETag; a write with If-Match applies only to that revision (412 when
 * stale, decided by the command handler).
 */

/** The response header naming the event stream an aggregate's answer was read from. */
export const EVENT_STREAM_HEADER = 'X-Event-Stream';

/**
 * `X-Event-Stream`: the stream's name as the store has it (`ticket-<uuid>`, `invoice-12`), so an
 * auditor can take any aggregate read to the audit API (/api/v1/audit/streams/{stream}). Every
 * single-aggregate read sends it: through setEtag where its read model holds the stream
 * revision, alone where it does not (declare `headers: ['X-Event-Stream']` on such a route).
 */
export function setEventStream(res: Response, stream: string): void {
  res.setHeader(EVENT_STREAM_HEADER, stream);
}

/**
 * ETag: the aggregate's stream revision (only where the read model's revision is that of the
 * stream, so If-Match means what it says); and `X-Event-Stream` with it.
 *
 * The revision is the token a write's If-Match is checked against, not a validator of the whole
 * answer: a ticket also shows its customer's name, a pelanggan its package and technical data,
 * which other streams change while this revision stays. So a GET that sends it back as
 * If-None-Match (as browsers do) is answered in full: the header is dropped before Express's
 * freshness check could turn the answer into a 304 with a stale cached body.
 */
export function setEtag(res: Response, revision: number, stream: string): void {
  res.setHeader('ETag', `"${revision}"`);
  delete res.req.headers['if-none-match'];
  setEventStream(res, stream);
}

/** If-Match: "3", 3 or W/"3" → 3 ("-1": a stream with no events yet); absent → undefined. */
export function ifMatch(req: Request): number | undefined {
  const header = req.get('if-match');
  if (header === undefined) return undefined;
  const m = /^(?:W\/)?"?(-1|\d+)"?$/.exec(header.trim());
  if (!m) throw new ValidationError({ 'If-Match': ['The If-Match header must be an ETag from this API.'] });
  return Number(m[1]);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const isUuid = (s: string): boolean => UUID.test(s);

/** A UUID path parameter of a declared route, lowercased as the ids are stored (as uuidParam does). */
export const uuidPathParam = () => z.uuid().overwrite((s) => s.toLowerCase());

/** A path id that is not a UUID names nothing: 404, like an unknown one. */
export function uuidParam(req: Request, entity: string, name = 'id'): string {
  const raw = String(req.params[name]);
  if (!UUID.test(raw)) throw new NotFoundError(entity, raw);
  return raw.toLowerCase();
}

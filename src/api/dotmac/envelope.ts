import type { Request, Response } from 'express';
import { z } from 'zod';
import type { Clock } from '../../ports/clock';
import { jsonWithTexts, sendJsonText } from '../http/json-text';
import { stampedAnswer } from '../http/kept-answers';

/**
 * Document 004's envelope (DotMac, "Response Formats"): every success is
 * `{ success: true, data, message, timestamp, request_id }`, paginated lists add
 * `pagination: { total, limit, offset, has_more, next_offset, prev_offset }` beside `data`.
 * `timestamp` is the injected clock's time to the second (2024-01-15T10:30:00Z); `request_id`
 * the request's id (X-Request-Id). Lists page with `limit` (default 20, at most 100) and `offset`.
 */

/** 2024-01-15T10:30:00Z: the document's timestamps, to the second. */
export function isoSeconds(at: Date | string): string {
  return (typeof at === 'string' ? at : at.toISOString()).replace(/\.\d{3}Z$/, 'Z');
}

/** A calendar date (YYYY-MM-DD) as the document's date-time (midnight UTC), or null. */
export function dateAsDateTime(date: string | null | undefined): string | null {
  if (!date) return null;
  return date.length === 10 ? `${date}T00:00:00Z` : isoSeconds(date);
}

export interface Pagination {
  total: number;
  limit: number;
  offset: number;
  has_more: boolean;
  next_offset: number | null;
  prev_offset: number | null;
}

export interface PageRequest {
  limit: number;
  offset: number;
}

const int = (name: string) => z.coerce.number({ error: `${name} must be an integer` }).int(`${name} must be an integer`);

/** `limit` (1..100, default 20) and `offset` (0 or more, default 0). */
export const pageQuery = z.object({
  limit: int('limit').min(1, 'limit must be at least 1').max(100, 'limit may not be greater than 100').default(20),
  offset: int('offset').min(0, 'offset must be 0 or more').max(1_000_000, 'offset may not be greater than 1000000').default(0),
});

export function paginationOf(page: PageRequest, total: number): Pagination {
  const hasMore = page.offset + page.limit < total;
  return {
    total,
    limit: page.limit,
    offset: page.offset,
    has_more: hasMore,
    next_offset: hasMore ? page.offset + page.limit : null,
    prev_offset: page.offset > 0 ? Math.max(0, page.offset - page.limit) : null,
  };
}

export interface EnvelopeOptions {
  status?: number;
  message?: string;
  pagination?: Pagination;
}

/** What the envelope needs from the product: the injected clock. */
export interface EnvelopeDeps {
  commands: { clock: Clock };
}

/** The metadata every 004 answer carries, success or error. */
export function answerMeta(deps: EnvelopeDeps, req: Request): { timestamp: string; request_id: string } {
  return { timestamp: isoSeconds(deps.commands.clock.now()), request_id: req.ctx?.requestId ?? '' };
}

function envelope(deps: EnvelopeDeps, req: Request, data: unknown, options: EnvelopeOptions) {
  return {
    success: true,
    data,
    message: options.message ?? 'Operation completed successfully',
    ...answerMeta(deps, req),
    ...(options.pagination ? { pagination: options.pagination } : {}),
  };
}

/** Writes `{ success: true, data, message, timestamp, request_id[, pagination] }`. */
export function ok(deps: EnvelopeDeps, req: Request, res: Response, data: unknown, options: EnvelopeOptions = {}): void {
  res.status(options.status ?? 200).json(envelope(deps, req, data, options));
}

/** The envelope's members that name the request, as its JSON writes them (the answer's stamp). */
const stampOf = (meta: { timestamp: string; request_id: string }) => `"timestamp":${JSON.stringify(meta.timestamp)},"request_id":${JSON.stringify(meta.request_id)}`;

/**
 * `ok` for data that holds made JSON texts (a page of list items, json-text.ts). The answer is
 * stamped (kept-answers.ts): a route that keeps its answers sends a kept one with the id and
 * time of the request it answers.
 */
export function okWithTexts(deps: EnvelopeDeps, req: Request, res: Response, data: unknown, options: EnvelopeOptions = {}): void {
  const answer = envelope(deps, req, data, options);
  stampedAnswer(req, stampOf(answer), (later) => stampOf(answerMeta(deps, later)));
  sendJsonText(res, options.status ?? 200, jsonWithTexts(answer));
}

/** Query-string booleans: true/false/1/0. */
export const queryBoolean = z.enum(['true', 'false', '1', '0'], { error: 'must be true or false' }).transform((v) => v === 'true' || v === '1');

/** YYYY-MM-DD, a real calendar date. */
export const calendarDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date (YYYY-MM-DD)')
  .refine((s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s), 'must be a date (YYYY-MM-DD)');

/**
 * A date filter: YYYY-MM-DD or a full ISO-8601 date-time (2024-01-01T00:00:00Z); answered as
 * the calendar date it names (UTC).
 */
export const dateFilter = z.union([calendarDate, z.iso.datetime({ offset: true })], { error: 'must be a date (YYYY-MM-DD) or an ISO-8601 date-time' }).transform((v) =>
  v.length === 10 ? v : new Date(v).toISOString().slice(0, 10),
);

/**
 * Document 004 names invoices, payments and service instances with string ids; this backend
 * numbers them (documents 002 and 004 share them), so the 004 id is the integer written as a
 * string: "42". A path id that is not one names nothing (404).
 */
export const publicId = (n: number): string => String(n);
export const numericId = z
  .string()
  .regex(/^[1-9]\d{0,14}$/)
  .transform((v) => Number(v));

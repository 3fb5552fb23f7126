import type { Response } from 'express';
import { z } from 'zod';
import { jsonWithTexts, sendJsonText, type JsonText } from '../http/json-text';

/**
 * Document 003's envelope: `{ data }`; lists add `meta: { currentPage, lastPage, total }`.
 * Pagination is `page` and `perPage` (default 20, at most 100).
 */
export function data(res: Response, payload: unknown, status = 200): void {
  res.status(status).json({ data: payload });
}

/** A page of items made as JSON texts (json-text.ts). */
export function paged(res: Response, items: readonly JsonText[], page: { page: number; perPage: number }, total: number): void {
  const meta = { currentPage: page.page, lastPage: Math.max(1, Math.ceil(total / page.perPage)), total };
  sendJsonText(res, 200, jsonWithTexts({ data: items, meta }));
}

const int = (name: string) =>
  z.coerce.number({ error: `The ${name} must be an integer.` }).int(`The ${name} must be an integer.`);

export const pageQuery = z.object({
  page: int('page').min(1, 'The page must be at least 1.').default(1),
  perPage: int('per page').min(1, 'The per page must be at least 1.').max(100, 'The per page may not be greater than 100.').default(20),
});

export const pageOf = (q: { page: number; perPage: number }) => ({ skip: (q.page - 1) * q.perPage, limit: q.perPage });

/** A positive integer id in a query string. */
export const queryId = (name: string) => int(name).positive(`The ${name} must be a positive integer.`);

/** true/false/1/0 */
export const queryBoolean = (name: string) =>
  z.enum(['true', 'false', '1', '0'], { error: `The ${name} field must be true or false.` }).transform((v) => v === 'true' || v === '1');

export const searchQuery = z
  .string({ error: 'The search must be a string.' })
  .trim()
  .max(100, 'The search may not be greater than 100 characters.');

/** An integer path id; anything else names nothing (404). */
export const idParams = z.object({ id: z.coerce.number().int().positive().describe('The integer id.') });

/** 2024-01-15T10:30:00Z: the document's timestamps, to the second. */
export const timestamp = (iso: string | null): string | null => (iso === null ? null : iso.replace(/\.\d{3}Z$/, 'Z'));

import type { Response } from 'express';
import { z } from 'zod';
import { jsonWithTexts, sendJsonText } from '../http/json-text';

/**
 * Document 000's envelope: `{ success: true, data }`; lists carry
 * `pagination: { current_page, per_page, total, total_pages }` inside `data`.
 */
export function ok(res: Response, data: unknown, status = 200): void {
  res.status(status).json({ success: true, data });
}

/** The JSON of `ok`'s answer, for data that holds made JSON texts (json-text.ts). */
export const okText = (data: unknown): string => jsonWithTexts({ success: true, data });

/** `ok` for data that holds made JSON texts (a page of list items, json-text.ts). */
export function okWithTexts(res: Response, data: unknown, status = 200): void {
  sendJsonText(res, status, okText(data));
}

export interface PageRequest {
  page: number;
  limit: number;
  skip: number;
}

export const pageQuery = z.object({
  page: z.coerce.number().int('page must be an integer').min(1, 'page must be at least 1').default(1),
  limit: z.coerce
    .number()
    .int('limit must be an integer')
    .min(1, 'limit must be at least 1')
    .max(100, 'limit may not be greater than 100')
    .default(20),
});

export function pageOf(q: { page: number; limit: number }): PageRequest {
  return { page: q.page, limit: q.limit, skip: (q.page - 1) * q.limit };
}

export function pagination(page: PageRequest, total: number) {
  return { current_page: page.page, per_page: page.limit, total, total_pages: Math.ceil(total / page.limit) };
}

/** Query-string booleans: true/false/1/0. */
export const queryBoolean = z
  .enum(['true', 'false', '1', '0'], { error: 'must be true or false' })
  .transform((v) => v === 'true' || v === '1');

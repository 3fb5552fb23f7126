import type { Response } from 'express';
import { z } from 'zod';
import { jsonWithTexts, sendJsonText, type JsonText } from '../http/json-text';
import type { SchemaObject } from '../openapi/types';
import { array, integer, object } from '../openapi/schema';

/**
 * Document 002's lists: `{ data, total_count, skip, limit }`, paged with `skip` (default 0) and
 * `limit` (default 15, at most 100).
 */
export const pageQuery = z.object({
  skip: z.coerce.number().int('skip must be an integer').min(0, 'skip must be 0 or more').default(0),
  limit: z.coerce.number().int('limit must be an integer').min(1, 'limit must be at least 1').max(100, 'limit may not be greater than 100').default(15),
});

/** Answers a list `{ data, total_count, skip, limit }` whose items are made JSON texts (json-text.ts) or small plain objects. */
export function sendList(res: Response, items: ReadonlyArray<JsonText | object>, total: number, page: { skip: number; limit: number }): void {
  sendJsonText(res, 200, jsonWithTexts({ data: items, total_count: total, skip: page.skip, limit: page.limit }));
}

export const listOf = (item: SchemaObject): SchemaObject => object({ data: array(item), total_count: integer(), skip: integer(), limit: integer() });

/** A positive integer id from the path (anything else names nothing: 404). */
export const intId = z.coerce.number().int().positive();

/** Rupiah: whole minor units. */
export const rupiah = z.number({ error: 'must be a number' }).int('must be a whole number of rupiah').nonnegative('may not be negative');

/** YYYY-MM-DD, a real calendar date. */
export const calendarDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date (YYYY-MM-DD)').refine((s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s), 'must be a date (YYYY-MM-DD)');

/** What every document 002 operation shares (OpenAPI). */
export const billingDoc = { errors: 'billing' as const, envelope: 'none' as const, auth: true };

export const TAGS = {
  auth: '002 · Authentication',
  pelanggan: '002 · Pelanggan',
  brands: '002 · Brands',
  paket: '002 · Paket layanan',
  langganan: '002 · Langganan',
  dataTeknis: '002 · Data teknis',
  invoices: '002 · Invoices',
  dashboard: '002 · Dashboard',
  reports: '002 · Reports',
  notifications: '002 · Notifications',
  activity: '002 · Activity logs',
} as const;

import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { stringify } from 'csv-stringify';
import { TICKET_REPORT_COLUMNS, type TicketReportRow } from '../../../projections/reports/queries';

/**
 * CSV of the tickets report (RFC 4180 through csv-stringify: fields with commas, quotes or line
 * breaks are quoted, quotes doubled; UTF-8 without a byte-order mark). One header row with the
 * column names of the JSON rows, then one row per ticket in the same order. A value is written
 * as its JSON value would read: strings as they are, numbers in decimal, booleans `true`/`false`,
 * null as an empty field.
 */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  return String(value);
}

/** Streams the rows into `out`, respecting back-pressure; resolves when `out` has everything. */
export async function writeTicketsCsv(rows: readonly TicketReportRow[], out: Writable): Promise<void> {
  const stringifier = stringify({ header: true, columns: [...TICKET_REPORT_COLUMNS], record_delimiter: 'unix' });
  const done = pipeline(stringifier, out);
  for (const row of rows) {
    const record = TICKET_REPORT_COLUMNS.map((c) => csvCell(row[c]));
    if (!stringifier.write(record)) await once(stringifier, 'drain');
  }
  stringifier.end();
  await done;
}

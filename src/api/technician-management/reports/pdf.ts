import type { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import type { TicketReportRow, TicketReportSummary } from '../../../projections/reports/queries';

/**
 * The tickets report as a PDF table drawn with pdfkit: A4 landscape; the first page carries
 * the title, the time of the report, the filters and the summary; every page repeats the
 * table's header row and carries "Page n of N". Rows have a fixed height (cell text is cut to
 * one line with an ellipsis), so the layout is known in advance: `ticketsPdfPageCount(rows)`
 * is the number of pages and every row is drawn exactly once. Pages are written to the output
 * as they are finished (pdfkit does not buffer them).
 *
 * Text uses the standard Helvetica fonts (WinAnsi): characters outside Windows-1252 print as
 * `?` — the CSV keeps them all.
 */

const PAGE = { width: 841.89, height: 595.28 }; // A4 landscape, points
const MARGIN = 30;
const HEADER_ROW = 16;
const ROW = 14;
const FONT_SIZE = 7;
/** Where the table ends: room for the footer below. */
const TABLE_BOTTOM = PAGE.height - 40;
const FOOTER_Y = PAGE.height - 26;
/** Top of the table on the first page (below title, report time, filters and summary) and on the others (below a running title). */
const FIRST_TABLE_TOP = 104;
const NEXT_TABLE_TOP = 46;

export const PDF_LAYOUT = {
  firstPageRows: Math.floor((TABLE_BOTTOM - FIRST_TABLE_TOP - HEADER_ROW) / ROW),
  pageRows: Math.floor((TABLE_BOTTOM - NEXT_TABLE_TOP - HEADER_ROW) / ROW),
} as const;

/** Pages a report with `rows` rows takes (one, with a "no tickets" line, for none). */
export function ticketsPdfPageCount(rows: number): number {
  if (rows <= PDF_LAYOUT.firstPageRows) return 1;
  return 1 + Math.ceil((rows - PDF_LAYOUT.firstPageRows) / PDF_LAYOUT.pageRows);
}

interface Column {
  title: string;
  width: number;
  value: (r: TicketReportRow) => string;
}

const time = (iso: string | null): string => (iso ? `${iso.slice(0, 10)} ${iso.slice(11, 16)}` : '');
const words = (s: string): string => s.replace(/_/g, ' ');

/** Widths add up to the printable width (841.89 − 2 × 30 ≈ 782). */
const COLUMNS: readonly Column[] = [
  { title: 'Ticket', width: 62, value: (r) => r.ticket_number },
  { title: 'Status', width: 52, value: (r) => words(r.status) },
  { title: 'Priority', width: 46, value: (r) => r.priority },
  { title: 'Type', width: 70, value: (r) => words(r.type) },
  { title: 'Title', width: 110, value: (r) => r.title },
  { title: 'Customer', width: 85, value: (r) => r.customer ?? '' },
  { title: 'Technician', width: 75, value: (r) => r.technician ?? '' },
  { title: 'Created', width: 62, value: (r) => time(r.created_at) },
  { title: 'Scheduled', width: 62, value: (r) => time(r.scheduled_at) },
  { title: 'Completed', width: 62, value: (r) => time(r.completed_at) },
  { title: 'SLA deadline', width: 62, value: (r) => time(r.sla_deadline) },
  { title: 'Overdue', width: 34, value: (r) => (r.overdue ? 'Yes' : 'No') },
];
const TABLE_WIDTH = COLUMNS.reduce((sum, c) => sum + c.width, 0);

const WIN_ANSI_EXTRA = new Set('€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ');

/** Text the standard fonts can print: line breaks and tabs become spaces, characters outside Windows-1252 become `?`. */
export function pdfText(s: string): string {
  let out = '';
  for (const ch of s.replace(/[\r\n\t]+/g, ' ')) {
    const code = ch.codePointAt(0)!;
    out += (code >= 0x20 && code <= 0x7e) || (code >= 0xa0 && code <= 0xff) || WIN_ANSI_EXTRA.has(ch) ? ch : '?';
  }
  return out;
}

export interface TicketsPdfMeta {
  title: string;
  generatedAt: string;
  /** Filter name → value, as the client gave them. */
  filters: Record<string, string | number | null>;
  summary: TicketReportSummary;
}

/** A pdfkit document. pdfkit is required on the first PDF, not at start (about 150 ms of every start). */
export function newPdfDocument(options: PDFKit.PDFDocumentOptions): PDFKit.PDFDocument {
  const PDFDocument = require('pdfkit') as typeof import('pdfkit');
  return new PDFDocument(options);
}

export async function writeTicketsPdf(rows: readonly TicketReportRow[], meta: TicketsPdfMeta, out: Writable): Promise<void> {
  const doc = newPdfDocument({
    size: 'A4',
    layout: 'landscape',
    // A small bottom margin keeps the footer from pushing pdfkit onto a new page.
    margins: { top: MARGIN, left: MARGIN, right: MARGIN, bottom: 10 },
    info: { Title: meta.title, Author: 'ISP Technician Management', CreationDate: new Date(meta.generatedAt) },
  });
  const done = finished(out);
  doc.pipe(out);

  const pages = ticketsPdfPageCount(rows.length);
  const fit = (text: string, width: number): string => {
    const s = pdfText(text);
    if (doc.widthOfString(s) <= width) return s;
    let lo = 0;
    let hi = s.length;
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2);
      if (doc.widthOfString(`${s.slice(0, mid)}…`) <= width) lo = mid;
      else hi = mid - 1;
    }
    return `${s.slice(0, lo)}…`;
  };
  const line = (text: string, x: number, y: number, width: number) => {
    doc.text(fit(text, width), x, y, { lineBreak: false });
  };

  const footer = (page: number) => {
    doc.font('Helvetica').fontSize(8).fillColor('#555555');
    line(`Generated ${meta.generatedAt} (UTC)`, MARGIN, FOOTER_Y, 400);
    const label = `Page ${page} of ${pages}`;
    doc.text(label, PAGE.width - MARGIN - doc.widthOfString(label), FOOTER_Y, { lineBreak: false });
    doc.fillColor('black');
  };

  const headerRow = (y: number) => {
    doc.rect(MARGIN, y, TABLE_WIDTH, HEADER_ROW).fill('#dde3ea');
    doc.fillColor('black').font('Helvetica-Bold').fontSize(FONT_SIZE);
    let x = MARGIN;
    for (const c of COLUMNS) {
      line(c.title, x + 2, y + (HEADER_ROW - FONT_SIZE) / 2, c.width - 4);
      x += c.width;
    }
    doc.font('Helvetica');
  };

  const bodyRow = (r: TicketReportRow, y: number, shaded: boolean) => {
    if (shaded) doc.rect(MARGIN, y, TABLE_WIDTH, ROW).fill('#f5f7f9');
    doc.fillColor(r.overdue ? '#a00000' : 'black').font('Helvetica').fontSize(FONT_SIZE);
    let x = MARGIN;
    for (const c of COLUMNS) {
      line(c.value(r), x + 2, y + (ROW - FONT_SIZE) / 2, c.width - 4);
      x += c.width;
    }
    doc.fillColor('black');
    doc.moveTo(MARGIN, y + ROW).lineTo(MARGIN + TABLE_WIDTH, y + ROW).lineWidth(0.3).strokeColor('#c8ced6').stroke();
  };

  const frame = (top: number, bottom: number) => {
    doc.lineWidth(0.6).strokeColor('#8a96a3').rect(MARGIN, top, TABLE_WIDTH, bottom - top).stroke();
    let x = MARGIN;
    for (const c of COLUMNS.slice(0, -1)) {
      x += c.width;
      doc.moveTo(x, top).lineTo(x, bottom).lineWidth(0.3).strokeColor('#c8ced6').stroke();
    }
  };

  // First page: title, time, filters, summary.
  doc.font('Helvetica-Bold').fontSize(16);
  line(meta.title, MARGIN, MARGIN, TABLE_WIDTH);
  doc.font('Helvetica').fontSize(9);
  const s = meta.summary;
  line(
    `Generated ${meta.generatedAt} (UTC). ${s.total} matching tickets, ${s.returned} rows` +
      (s.truncated ? ` (truncated: at most ${s.row_limit} rows)` : '') +
      '.',
    MARGIN,
    56,
    TABLE_WIDTH,
  );
  const filters = Object.entries(meta.filters)
    .filter(([, v]) => v !== null && v !== undefined)
    .map(([k, v]) => `${k} = ${v}`);
  line(`Filters: ${filters.length ? filters.join('; ') : 'none'}`, MARGIN, 70, TABLE_WIDTH);
  const counts = (o: Record<string, number>) =>
    Object.entries(o)
      .map(([k, v]) => `${words(k)} ${v}`)
      .join(', ');
  line(
    `Status: ${counts(s.by_status)}. Open ${s.open}, completed ${s.completed}, overdue ${s.overdue}.`,
    MARGIN,
    84,
    TABLE_WIDTH,
  );

  let page = 1;
  let top = FIRST_TABLE_TOP;
  let capacity: number = PDF_LAYOUT.firstPageRows;
  headerRow(top);
  let y = top + HEADER_ROW;
  let onPage = 0;
  if (rows.length === 0) {
    doc.font('Helvetica-Oblique').fontSize(FONT_SIZE + 1);
    line('No tickets match these filters.', MARGIN + 4, y + (ROW - FONT_SIZE) / 2, TABLE_WIDTH - 8);
    y += ROW;
  }
  for (const r of rows) {
    if (onPage === capacity) {
      frame(top, y);
      footer(page);
      doc.addPage();
      page++;
      doc.font('Helvetica-Bold').fontSize(9);
      line(`${meta.title} (continued)`, MARGIN, MARGIN, TABLE_WIDTH);
      top = NEXT_TABLE_TOP;
      capacity = PDF_LAYOUT.pageRows;
      headerRow(top);
      y = top + HEADER_ROW;
      onPage = 0;
    }
    bodyRow(r, y, onPage % 2 === 1);
    y += ROW;
    onPage++;
  }
  frame(top, y);
  footer(page);
  doc.end();
  await done;
}

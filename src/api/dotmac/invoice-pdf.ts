import { PassThrough, type Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { newPdfDocument, pdfText } from '../technician-management/reports/pdf';
import type { DotmacInvoiceDoc } from '../../projections/dotmac-invoices/projector';
import { minorDigits } from './money';
import { INVOICE_STATUS_004 } from './vocabulary';

/**
 * Document 004's invoice as a PDF (pdfkit, A4 portrait, the standard Helvetica fonts): the
 * seller (the brand), the invoice number, dates and status, who is billed, one row per line
 * (description, service period, quantity, unit price, tax, amount), the subtotal, tax, total,
 * what was paid and refunded and what is due, and the notes. Used by the portal's
 * GET /billing/invoices/{id}/pdf; the admin's "send invoice" attaches `invoicePdfBuffer`.
 * Long invoices continue on further pages, the table header repeated.
 */
export interface InvoicePdfParties {
  seller: string;
  customer: { name: string; number: string; address: string | null; email: string | null };
  /** When the document was made (the injected clock), written in its metadata. */
  generatedAt: Date;
}

const PAGE = { width: 595.28, height: 841.89 };
const MARGIN = 48;
const COLUMNS = [
  { title: 'Description', width: 170, align: 'left' as const },
  { title: 'Service period', width: 110, align: 'left' as const },
  { title: 'Qty', width: 30, align: 'right' as const },
  { title: 'Unit price', width: 65, align: 'right' as const },
  { title: 'Tax', width: 55, align: 'right' as const },
  { title: 'Amount', width: 69, align: 'right' as const },
];
const ROW = 18;
const BOTTOM = PAGE.height - 70;

export function formatMoney(minor: number, currency: string): string {
  const digits = minorDigits(currency);
  const value = (minor / 10 ** digits).toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
  return `${currency} ${value}`;
}

const lastDay = (period: string): string => {
  const [y, m] = period.split('-').map(Number) as [number, number];
  return `${period}-${String(new Date(Date.UTC(y, m, 0)).getUTCDate()).padStart(2, '0')}`;
};

/** The service period a line covers: as given, else the invoice's month. */
export const servicePeriodOf = (given: string | null, period: string): string => given ?? `${period}-01 to ${lastDay(period)}`;

export async function renderInvoicePdf(invoice: DotmacInvoiceDoc, parties: InvoicePdfParties, out: Writable): Promise<void> {
  const doc = newPdfDocument({
    size: 'A4',
    margin: MARGIN,
    info: { Title: `Invoice ${invoice.number}`, Author: parties.seller, CreationDate: parties.generatedAt, ModDate: parties.generatedAt },
  });
  doc.pipe(out);
  const money = (minor: number) => formatMoney(minor, invoice.currency);
  const text = (s: string) => pdfText(s);

  doc.font('Helvetica-Bold').fontSize(20).text(text(parties.seller), MARGIN, MARGIN);
  doc.fontSize(16).text('INVOICE', MARGIN, MARGIN, { align: 'right' });
  doc.font('Helvetica').fontSize(9);
  const meta: Array<[string, string]> = [
    ['Invoice number', invoice.number],
    ['Issue date', invoice.issue_date],
    ['Due date', invoice.due_date],
    ['Status', INVOICE_STATUS_004[invoice.status]],
  ];
  if (invoice.paid_at) meta.push(['Paid on', invoice.paid_at.slice(0, 10)]);
  let y = MARGIN + 34;
  for (const [label, value] of meta) {
    doc.font('Helvetica-Bold').text(`${label}:`, 330, y, { width: 90 });
    doc.font('Helvetica').text(text(value), 420, y, { width: PAGE.width - MARGIN - 420, align: 'right' });
    y += 13;
  }
  let billY = MARGIN + 34;
  doc.font('Helvetica-Bold').text('Bill to', MARGIN, billY);
  billY += 13;
  doc.font('Helvetica');
  for (const line of [parties.customer.name, `Customer ${parties.customer.number}`, parties.customer.address, parties.customer.email]) {
    if (!line) continue;
    doc.text(text(line), MARGIN, billY, { width: 260 });
    billY = doc.y + 1;
  }

  let rowY = Math.max(y, billY) + 24;
  const header = () => {
    doc.rect(MARGIN, rowY - 4, PAGE.width - 2 * MARGIN, ROW).fill('#eeeeee').fillColor('black');
    let x = MARGIN + 4;
    doc.font('Helvetica-Bold').fontSize(8);
    for (const c of COLUMNS) {
      doc.text(c.title, x, rowY, { width: c.width - 8, align: c.align });
      x += c.width;
    }
    doc.font('Helvetica');
    rowY += ROW;
  };
  header();
  for (const line of invoice.line_items) {
    if (rowY + ROW > BOTTOM) {
      doc.addPage();
      rowY = MARGIN;
      header();
    }
    const cells = [
      line.description,
      servicePeriodOf(line.service_period, invoice.period),
      String(line.quantity),
      money(line.unit_price),
      line.tax_rate_ppm === null ? '-' : `${money(line.tax)} (${(line.tax_rate_ppm / 10_000).toFixed(2).replace(/\.?0+$/, '')}%)`,
      money(line.amount),
    ];
    let x = MARGIN + 4;
    cells.forEach((cell, i) => {
      doc.text(text(cell), x, rowY, { width: COLUMNS[i]!.width - 8, align: COLUMNS[i]!.align, lineBreak: false, ellipsis: true });
      x += COLUMNS[i]!.width;
    });
    rowY += ROW;
  }

  if (rowY + 110 > BOTTOM) {
    doc.addPage();
    rowY = MARGIN;
  }
  rowY += 8;
  const paid = invoice.paid_amount - invoice.refunded_amount;
  const due = invoice.status === 'issued' || invoice.status === 'overdue' ? Math.max(0, invoice.total - paid) : 0;
  const totals: Array<[string, string, boolean]> = [
    ['Subtotal', money(invoice.subtotal), false],
    ['Tax', money(invoice.tax), false],
    ['Total', money(invoice.total), true],
    ['Paid', money(paid), false],
  ];
  if (invoice.refunded_amount > 0) totals.push(['Refunded', money(invoice.refunded_amount), false]);
  totals.push(['Amount due', money(due), true]);
  for (const [label, value, bold] of totals) {
    doc.font(bold ? 'Helvetica-Bold' : 'Helvetica').fontSize(9);
    doc.text(label, 330, rowY, { width: 110 });
    doc.text(text(value), 440, rowY, { width: PAGE.width - MARGIN - 440, align: 'right' });
    rowY += 14;
  }
  if (invoice.notes) {
    rowY += 10;
    doc.font('Helvetica-Bold').text('Notes', MARGIN, rowY);
    doc.font('Helvetica').text(text(invoice.notes), MARGIN, rowY + 13, { width: PAGE.width - 2 * MARGIN });
  }
  // The footer sits in the bottom margin: no automatic new page for it.
  doc.page.margins.bottom = 0;
  doc.fontSize(7).fillColor('#666666');
  doc.text(`${text(parties.seller)} - invoice ${text(invoice.number)}`, MARGIN, PAGE.height - 40, { width: PAGE.width - 2 * MARGIN, align: 'center', lineBreak: false });
  doc.end();
  await finished(out);
}

/** The PDF in memory (for a mail attachment). */
export async function invoicePdfBuffer(invoice: DotmacInvoiceDoc, parties: InvoicePdfParties): Promise<Buffer> {
  const sink = new PassThrough();
  const chunks: Buffer[] = [];
  sink.on('data', (c: Buffer) => chunks.push(c));
  await renderInvoicePdf(invoice, parties, sink);
  return Buffer.concat(chunks);
}

import { z } from 'zod';
import { calendarDate, intId, pageQuery, rupiah } from '../envelope';
import { STATUS_LABELS } from './vocabulary';

const statusLabel = z.enum(STATUS_LABELS, { error: () => `The status invoice must be one of: ${STATUS_LABELS.join(', ')}.` });
const periode = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'The periode must be a month (YYYY-MM).');

export const createInvoiceBody = z.object({
  pelanggan_id: z.number({ error: 'The pelanggan id field is required.' }).int().positive(),
  periode,
  tanggal_jatuh_tempo: calendarDate,
  items: z
    .array(
      z.object({
        deskripsi: z.string().trim().min(1, 'The deskripsi field is required.').max(200),
        jumlah: z.number({ error: 'The jumlah field is required.' }).int('must be a whole number').positive('must be 1 or more'),
        harga: rupiah,
      }),
    )
    .min(1, 'An invoice needs at least one item.')
    .max(100),
  status_invoice: z.enum(['Draft', 'Menunggu Pembayaran']).default('Menunggu Pembayaran').describe('Draft, or issued at once (default).'),
  id_brand: z.string().trim().max(32).optional().describe('Default: the pelanggan’s brand.'),
});

export const listInvoicesQuery = pageQuery.extend({
  pelanggan_id: z.coerce.number().int().positive().optional(),
  status_invoice: statusLabel.optional(),
  periode: periode.optional(),
});

export const invoiceParams = z.object({ invoice_id: intId.describe('The invoice id.') });

export const statusBody = z
  .object({
    status_invoice: z.enum(['Menunggu Pembayaran', 'Lunas', 'Jatuh Tempo', 'Dibatalkan'], {
      error: () => 'The status invoice must be Menunggu Pembayaran, Lunas, Jatuh Tempo or Dibatalkan.',
    }),
    paid_at: z.iso.datetime({ offset: true, error: 'The paid at must be an ISO-8601 date-time.' }).optional().describe('With Lunas: when it was paid (default now).'),
    paid_amount: z.number().int().positive().optional().describe('With Lunas: integer rupiah paid (default: what is left to pay).'),
    metode_pembayaran: z.string().trim().min(1).max(50).optional().describe('With Lunas: how it was paid (default Manual).'),
    alasan: z.string().trim().max(500).optional().describe('With Dibatalkan: why.'),
  })
  .strict();

/** Xendit's invoice callback (the fields used; the rest is accepted and ignored). */
export const xenditCallbackBody = z.looseObject({
  id: z.string().min(1).max(200),
  external_id: z.string().min(1).max(255),
  status: z.string().min(1).max(50),
  paid_amount: z.number().nonnegative().optional(),
  amount: z.number().nonnegative().optional(),
  paid_at: z.string().optional(),
  payment_channel: z.string().optional(),
  payment_method: z.string().optional(),
});

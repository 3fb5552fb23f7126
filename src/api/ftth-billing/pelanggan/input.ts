import { z } from 'zod';
import { calendarDate, pageQuery } from '../envelope';

/** Request shapes of /api/pelanggan (document 002 field names). */

const text = (field: string, max = 255) => z.string({ error: `The ${field} field is required.` }).trim().min(1, `The ${field} field is required.`).max(max, `The ${field} may not be longer than ${max} characters.`);
const optionalText = (max = 255) => z.string().trim().max(max).nullable().optional().transform((v) => (v === undefined ? undefined : v === null || v === '' ? null : v));

export const noKtp = z
  .string({ error: 'The no ktp field is required.' })
  .trim()
  .regex(/^\d{16}$/, 'The no ktp must be 16 digits.');
export const noTelp = z
  .string({ error: 'The no telp field is required.' })
  .trim()
  .regex(/^\+?[0-9][0-9 \-()]{5,19}$/, 'The no telp must be a phone number (digits, spaces, - or parentheses, 6 to 20 characters).');
export const email = z.string({ error: 'The email field is required.' }).trim().toLowerCase().pipe(z.email('Email format is invalid'));
export const idBrand = z.string({ error: 'The id brand field is required.' }).trim().min(1, 'The id brand field is required.').max(32).transform((v) => v.toUpperCase());

export const createPelangganBody = z.object({
  nama: text('nama', 200),
  email,
  no_telp: noTelp,
  no_ktp: noKtp,
  alamat: text('alamat', 500),
  alamat_2: optionalText(200),
  blok: optionalText(50),
  unit: optionalText(50),
  id_brand: idBrand,
  tanggal_instalasi: calendarDate.nullable().optional(),
});
export type CreatePelangganBody = z.output<typeof createPelangganBody>;

export const updatePelangganBody = z
  .object({
    nama: text('nama', 200).optional(),
    email: email.optional(),
    no_telp: noTelp.optional(),
    no_ktp: noKtp.optional(),
    alamat: text('alamat', 500).optional(),
    alamat_2: optionalText(200),
    blok: optionalText(50),
    unit: optionalText(50),
    id_brand: idBrand.optional(),
    tanggal_instalasi: calendarDate.nullable().optional(),
  })
  .strict();
export type UpdatePelangganBody = z.output<typeof updatePelangganBody>;

/** Fields a list may be narrowed to (`fields=`). */
export const PELANGGAN_FIELDS = [
  'id',
  'nama',
  'email',
  'no_telp',
  'no_ktp',
  'alamat',
  'alamat_2',
  'blok',
  'unit',
  'tanggal_instalasi',
  'id_brand',
  'layanan',
  'status',
  'created_at',
  'updated_at',
] as const;
export type PelangganField = (typeof PELANGGAN_FIELDS)[number];

const filters = {
  search: z.string().trim().max(100).optional().describe('Word-prefix search over nama, email and no_telp (case-insensitive).'),
  alamat: z.string().trim().max(200).optional().describe('Word-prefix filter on the address.'),
  id_brand: z.string().trim().max(32).optional(),
};

export const listPelangganQuery = pageQuery.extend({
  ...filters,
  fields: z
    .string()
    .optional()
    .transform((v, ctx): PelangganField[] | undefined => {
      if (v === undefined || v.trim() === '') return undefined;
      const names = [...new Set(v.split(',').map((s) => s.trim()).filter(Boolean))];
      const unknown = names.filter((n) => !(PELANGGAN_FIELDS as readonly string[]).includes(n));
      if (unknown.length) {
        ctx.addIssue({ code: 'custom', message: `Unknown field(s): ${unknown.join(', ')} (one of: ${PELANGGAN_FIELDS.join(', ')}).` });
        return z.NEVER;
      }
      return names as PelangganField[];
    })
    .describe('Comma-separated fields each item is narrowed to.'),
});

export const EXPORT_MAX_ROWS = 50_000;

export const exportQuery = z.object({
  skip: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(EXPORT_MAX_ROWS, `limit may not be greater than ${EXPORT_MAX_ROWS}`).default(EXPORT_MAX_ROWS),
  ...filters,
});

export const pelangganParams = z.object({ pelanggan_id: z.coerce.number().int().positive().describe('The pelanggan id (integer).') });

import { INVOICE_LABELS } from './invoices/vocabulary';
import { BILLING_ERROR_STYLE } from './errors';
import { TAGS } from './envelope';
import type { DeclaredComponents } from '../http/route';
import { array, boolean, date, dateTime, integer, nullable, object, oneOfValues, record, ref, string, uuid } from '../openapi/schema';
import type { SchemaObject } from '../openapi/types';

/**
 * The response schemas of document 002, read off the presenters (the OpenAPI test holds real
 * answers to them). Registered once, with every 002 router, as one components object.
 */
const nullableString = (d?: string) => nullable(string(d));

const pelangganProps: Record<string, SchemaObject> = {
  id: integer('The pelanggan id (the customer number; the same customer is /api/customers/{uuid} in document 000).'),
  nama: string(),
  email: nullableString(),
  no_telp: string(),
  no_ktp: nullableString('16 digits.'),
  alamat: string(),
  alamat_2: nullableString(),
  blok: nullableString(),
  unit: nullableString(),
  tanggal_instalasi: nullable(date()),
  id_brand: nullableString(),
  layanan: nullableString('The current subscription’s package name.'),
  status: oneOfValues(['Aktif', 'Suspended', 'Berhenti', 'Pending']),
  created_at: dateTime(),
  updated_at: dateTime(),
};

const dataTeknis = object({
  id: integer(),
  pelanggan_id: integer(),
  ip_pelanggan: nullableString(),
  vlan: nullable(integer()),
  username_pppoe: string(),
  password_pppoe: nullable({ const: '********', description: 'Never the password: only whether one is set.' }),
  sn_ont: nullableString(),
  port_odp: nullableString(),
  port_olt: nullableString(),
  mikrotik_server_id: nullable(integer()),
  status: nullable(oneOfValues(['Aktif', 'Suspended', 'Berhenti'])),
  mikrotik_sync: object(
    {
      status: oneOfValues(['synced', 'failed', 'never']),
      mikrotik_server_id: nullable(integer()),
      last_attempt_at: nullable(dateTime()),
      last_synced_at: nullable(dateTime()),
      last_error: nullableString(),
      pppoe_profile: nullableString(),
      pppoe_disabled: nullable(boolean()),
      attempts: integer(),
    },
    { description: 'The last PPPoE sync of the RouterOS side (docs/api/002-mikrotik.md).' },
  ),
  created_at: dateTime(),
  updated_at: dateTime(),
});

const invoiceProps: Record<string, SchemaObject> = {
  id: integer(),
  nomor_invoice: string('INV-<brand>-<year>-<n>, from the brand’s own sequence.'),
  pelanggan_id: integer(),
  pelanggan_nama: nullableString('Null once the customer is closed.'),
  id_brand: string(),
  periode: string('YYYY-MM'),
  tanggal_invoice: date(),
  tanggal_jatuh_tempo: date(),
  items: array(object({ deskripsi: string(), jumlah: integer(), harga: integer(), subtotal: integer() })),
  total_harga: integer('Integer rupiah.'),
  currency: string(),
  status_invoice: oneOfValues(Object.values(INVOICE_LABELS)),
  paid_amount: integer(),
  paid_at: nullable(dateTime()),
  payment_link: nullableString(),
  xendit_external_id: string(),
  gateway: nullableString('xendit or simulated: who made the payment link.'),
  payment_link_error: nullableString(),
  langganan_id: nullable(integer()),
  created_at: dateTime(),
  updated_at: dateTime(),
};

const revenueGroup = object({ key: string(), jumlah_invoice: integer(), total: integer(), dibayar: integer(), belum_dibayar: integer() });

const schemas: Record<string, SchemaObject> = {
  BillingToken: object({
    access_token: string('A JWT for `Authorization: Bearer`, accepted by every staff API.'),
    token_type: { const: 'bearer' },
    expires_in: integer('Seconds the access token is valid.'),
    refresh_token: string('For POST /api/users/refresh; rotated on every use, revoked by logout.'),
  }),
  BillingPelanggan: object(pelangganProps),
  BillingPelangganItem: object(pelangganProps, { optional: Object.keys(pelangganProps), description: 'A list item: with `fields=`, only those fields.' }),
  BillingPelangganDetail: object({
    ...pelangganProps,
    langganan_id: nullable(integer()),
    harga_layanan: nullable(object({ id: integer(), nama_paket: string(), kecepatan: integer(), harga: integer() })),
    data_teknis: nullable(ref('BillingDataTeknis')),
  }),
  BillingDataTeknis: dataTeknis,
  BillingImportResult: object({
    detail: string(),
    total_rows: integer(),
    created: integer(),
    already_imported: integer(),
    pelanggan_ids: array(integer()),
    errors: array(object({ line: integer('The file’s own line (header = 1).'), field: string(), message: string() })),
  }),
  BillingBrand: object({
    id_brand: string(),
    nama_brand: string(),
    payment_gateway: object({ provider: oneOfValues(['xendit', 'simulated']), api_key_set: boolean(), invoice_duration_seconds: nullable(integer()) }),
    created_at: dateTime(),
    updated_at: dateTime(),
  }),
  BillingPaket: object({
    id: integer(),
    id_brand: string(),
    nama_paket: string(),
    kecepatan: integer('Mbps'),
    harga: integer('Integer rupiah per month.'),
    profile_pppoe: nullableString(),
    created_at: dateTime(),
    updated_at: dateTime(),
  }),
  BillingLangganan: object({
    id: integer(),
    pelanggan_id: integer(),
    paket_layanan_id: integer(),
    status: oneOfValues(['Aktif', 'Suspended', 'Berhenti']),
    tgl_jatuh_tempo: date(),
    metode_pembayaran: string(),
    alasan_status: nullableString('Why it was last suspended, reactivated or ended.'),
    created_at: dateTime(),
    updated_at: dateTime(),
  }),
  BillingInvoice: object(invoiceProps),
  BillingInvoiceDetail: object({
    ...invoiceProps,
    payments: array(
      object({ id: integer(), amount: integer(), method: string(), gateway: nullableString(), payment_channel: nullableString(), paid_at: dateTime(), applied: boolean() }),
    ),
  }),
  BillingCallbackResult: object({ detail: string(), invoice_id: integer(), status_invoice: oneOfValues(Object.values(INVOICE_LABELS)), duplicate: boolean(), outcome: string() }),
  BillingDashboard: object({
    stat_cards: array(object({ title: string(), value: integer(), icon: string(), color: string() })),
    revenue_summary: object({ total: integer(), dibayar: integer(), periode: string(), breakdown: array(object({ id_brand: string(), total: integer(), dibayar: integer(), jumlah_invoice: integer() })) }),
    charts: array(object({ id: string(), title: string(), labels: array(string()), series: array(object({ name: string(), data: array(integer()) })) })),
  }),
  BillingSegmentList: object({
    segmen: nullable(oneOfValues(['setia', 'lunas-telat', 'menunggak'])),
    counts: object({ setia: integer(), 'lunas-telat': integer(), menunggak: integer() }),
    data: array(object({ id: integer(), nama: string(), email: nullableString(), no_telp: string(), id_brand: nullableString(), status: string(), segmen: string(), invoice_jatuh_tempo: integer(), pembayaran_telat: integer() })),
    total_count: integer(),
    skip: integer(),
    limit: integer(),
  }),
  BillingRevenueReport: object({
    start_date: nullable(date()),
    end_date: nullable(date()),
    group_by: oneOfValues(['month', 'brand', 'status']),
    total: integer(),
    dibayar: integer(),
    belum_dibayar: integer(),
    data: array(revenueGroup),
  }),
  BillingCustomerReport: object({
    filters: object({ segment: nullableString(), status: nullableString(), brand: nullableString() }),
    total_pelanggan: integer(),
    by_segment: record(integer()),
    by_status: record(integer()),
    by_brand: record(integer()),
  }),
  BillingActivity: object({
    id: uuid('The event id.'),
    user_id: nullable(integer('The actor’s user number; null for the system (jobs, gateway callbacks).')),
    user_role: nullableString(),
    action: string('The event type in snake case (invoice_paid, customer_registered, …).'),
    record_type: string(),
    record_id: string(),
    pelanggan_id: nullable(integer()),
    timestamp: dateTime(),
  }),
  BillingHistory: object({
    pelanggan_id: integer(),
    closed: boolean('The customer was closed (its personal fields are erased; its history stays).'),
    data: array(
      object({
        position: integer('Position in the event log: the order of the history.'),
        event_id: uuid(),
        type: string(),
        stream: string(),
        timestamp: dateTime(),
        actor: nullable(object({ user_id: string(), role: string() })),
        data: { type: 'object', description: 'The event as recorded, minus personal fields.' },
      }),
    ),
  }),
};

/** Every document 002 router declares its routes with this (one object: registered once). */
export const billingComponents: DeclaredComponents = {
  tags: Object.values(TAGS).map((name) => ({ name, description: `Document 002, ${name.slice(6)} (docs/api/002-billing.md).` })),
  schemas,
  errorStyles: { billing: BILLING_ERROR_STYLE },
};

import type { DataTeknisDoc, PelangganDoc } from '../../../projections/billing-customers/projector';
import type { PlanDoc } from '../../../projections/billing-catalog/projector';
import type { PelangganField } from './input';
import { presentDataTeknis } from '../data-teknis/presenter';
import type { MikrotikSyncView } from '../../../projections/mikrotik-sync/queries';

/** Document 002's pelanggan, from the billing_pelanggan read model (canonical → 002 names in the projector). */
export function presentPelanggan(doc: PelangganDoc) {
  return {
    id: doc.id,
    nama: doc.nama,
    email: doc.email,
    no_telp: doc.no_telp,
    no_ktp: doc.no_ktp,
    alamat: doc.alamat,
    alamat_2: doc.alamat_2,
    blok: doc.blok,
    unit: doc.unit,
    tanggal_instalasi: doc.tanggal_instalasi,
    id_brand: doc.id_brand,
    layanan: doc.layanan,
    status: doc.status,
    created_at: doc.created_at,
    updated_at: doc.updated_at,
  };
}

export type PresentedPelanggan = ReturnType<typeof presentPelanggan>;

/** A list item narrowed to the `fields` asked for. */
export function pick(p: PresentedPelanggan, fields: readonly PelangganField[] | undefined): Partial<PresentedPelanggan> {
  if (!fields) return p;
  const out: Record<string, unknown> = {};
  for (const f of fields) out[f] = p[f];
  return out;
}

/** GET /api/pelanggan/{id}: with its package (`harga_layanan`) and technical data. */
export function presentPelangganDetail(doc: PelangganDoc, plan: PlanDoc | null, teknis: DataTeknisDoc | null, sync: MikrotikSyncView) {
  return {
    ...presentPelanggan(doc),
    langganan_id: doc.langganan_id,
    harga_layanan: plan ? { id: plan.id, nama_paket: plan.nama_paket, kecepatan: plan.kecepatan, harga: plan.harga } : null,
    data_teknis: teknis ? presentDataTeknis(teknis, sync) : null,
  };
}

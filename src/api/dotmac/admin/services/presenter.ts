import type { PlanDoc } from '../../../../projections/billing-catalog/projector';
import type { LanggananDoc } from '../../../../projections/billing-customers/projector';
import { dateAsDateTime, isoSeconds, publicId } from '../../envelope';
import { fromMinor } from '../../money';

/** A catalog entry (document 002's package) in document 004's words. */
export function presentCatalogEntry(p: PlanDoc) {
  return {
    id: publicId(p.id),
    name: p.nama_paket,
    service_type: p.service_type ?? 'internet',
    description: p.description ?? null,
    monthly_price: fromMinor(p.harga, p.currency),
    setup_fee: fromMinor(p.setup_fee ?? 0, p.currency),
    currency: p.currency,
    features: { download_speed: p.kecepatan, upload_speed: p.kecepatan_upload ?? null, data_limit: p.data_limit_gb ?? null, static_ip: p.static_ip ?? false },
    availability: p.availability ?? { residential: true, business: true, enterprise: true },
    brand_id: p.id_brand,
  };
}

/** A service instance (document 002's subscription) in document 004's words. */
export function presentInstance(s: LanggananDoc, plan: PlanDoc | null) {
  return {
    id: publicId(s.id),
    customer_id: s.customer_id,
    service_id: publicId(s.paket_layanan_id),
    plan_name: plan?.nama_paket ?? null,
    service_type: plan?.service_type ?? 'internet',
    status: s.status,
    monthly_price: plan ? fromMinor(plan.harga, plan.currency) : null,
    installation_date: dateAsDateTime(s.installation_date ?? null),
    next_billing_date: dateAsDateTime(s.tgl_jatuh_tempo),
    configuration: s.configuration ?? {},
    notes: s.notes ?? null,
    status_reason: s.status_note ?? s.status_reason ?? null,
    status_effective_date: s.status_effective_at ? isoSeconds(s.status_effective_at) : null,
    created_at: isoSeconds(s.created_at),
  };
}

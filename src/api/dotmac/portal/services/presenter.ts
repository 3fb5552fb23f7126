import type { LanggananDoc, PelangganDoc } from '../../../../projections/billing-customers/projector';
import type { PlanDoc } from '../../../../projections/billing-catalog/projector';
import { dateAsDateTime, publicId } from '../../envelope';
import { fromMinor } from '../../money';
import { gb } from './usage-report';

/**
 * A service instance in document 004's words, from document 002's subscription and package
 * (DESIGN.md §5: a 004 service instance is a 002 langganan): every service of this backend is
 * FTTH internet; bandwidth from the package's speed (002 `kecepatan`, the same both ways unless
 * the package says otherwise); `installation_date` the customer's installation date, else
 * when the subscription began; `next_billing_date` the subscription's next due date;
 * `monthly_price` in the currency's major unit (`currency` beside it); this month's usage from
 * the daily aggregates, no data limit.
 */
export function presentService(s: LanggananDoc, plan: PlanDoc | null, pelanggan: PelangganDoc | null, currentMonthMb: number) {
  const installed = (s as LanggananDoc & { installation_date?: string | null }).installation_date ?? pelanggan?.tanggal_instalasi ?? null;
  const uploadMbps = (plan as (PlanDoc & { kecepatan_upload?: number | null }) | null)?.kecepatan_upload ?? plan?.kecepatan ?? null;
  return {
    id: publicId(s.id),
    service_type: 'internet' as const,
    plan_name: plan?.nama_paket ?? pelanggan?.layanan ?? null,
    status: s.status,
    monthly_price: plan ? fromMinor(plan.harga, plan.currency) : null,
    currency: plan?.currency ?? null,
    installation_date: dateAsDateTime(installed ?? s.created_at),
    next_billing_date: s.status === 'terminated' ? null : dateAsDateTime(s.tgl_jatuh_tempo),
    bandwidth: { download: plan?.kecepatan ?? null, upload: uploadMbps, unit: 'mbps' as const },
    data_usage: { current_month: gb(currentMonthMb), limit: null, unit: 'gb' as const },
  };
}

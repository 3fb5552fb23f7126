import type { BrandEvent } from '../../domain/brand';
import type { PlanDetails, ServicePlanEvent } from '../../domain/service-plan';
import type { Doc } from '../../ports/read-store';
import { applyOnce, type ProjectedEvent, type Projector } from '../engine/projector';

export const BILLING_BRANDS = 'billing_brands';
export const BILLING_PLANS = 'billing_paket_layanan';

/** A brand in document 002's words; the gateway key itself is never here, only whether one is set. */
export interface BrandDoc extends Doc {
  id_brand: string;
  nama_brand: string;
  payment_gateway: { provider: string; api_key_set: boolean; invoice_duration_seconds: number | null };
  created_at: string;
  updated_at: string;
}

/** A service plan (002 `paket_layanan`; 004's service catalog). */
export interface PlanDoc extends Doc {
  id: number;
  id_brand: string;
  nama_paket: string;
  kecepatan: number;
  /** Minor units. */
  harga: number;
  currency: string;
  profile_pppoe: string | null;
  // Document 004's catalog fields (absent on plans written before them).
  service_type?: string;
  description?: string | null;
  setup_fee?: number;
  /** Upload speed, Mbps (004 `features.upload_speed`; the portal's bandwidth.upload). */
  kecepatan_upload?: number | null;
  data_limit_gb?: number | null;
  static_ip?: boolean;
  availability?: { residential: boolean; business: boolean; enterprise: boolean };
  created_at: string;
  updated_at: string;
}

/** The 004 catalog fields of (some of) a plan's details. */
function catalogFields(d: Partial<PlanDetails>): Partial<PlanDoc> {
  const out: Partial<PlanDoc> = {};
  if (d.serviceType !== undefined) out.service_type = d.serviceType;
  if (d.description !== undefined) out.description = d.description;
  if (d.setupFee !== undefined) out.setup_fee = d.setupFee;
  if (d.uploadMbps !== undefined) out.kecepatan_upload = d.uploadMbps;
  if (d.dataLimitGb !== undefined) out.data_limit_gb = d.dataLimitGb;
  if (d.staticIp !== undefined) out.static_ip = d.staticIp;
  if (d.availability !== undefined) out.availability = d.availability;
  return out;
}

const gatewayOf = (g: { provider: string; apiKeySealed: string | null; invoiceDurationSeconds: number | null }) => ({
  provider: g.provider,
  api_key_set: g.apiKeySealed !== null,
  invoice_duration_seconds: g.invoiceDurationSeconds,
});

/**
 * Billing reference data: brands and service plans. A deleted brand or an archived plan leaves
 * the read model (its stream stays in the log).
 */
export const billingCatalogProjector: Projector = {
  name: 'billing_catalog',
  handles: ['BrandRegistered', 'BrandUpdated', 'BrandDeleted', 'ServicePlanCreated', 'ServicePlanUpdated', 'ServicePlanArchived'],
  collections: {
    [BILLING_BRANDS]: [{ keys: { id_brand: 1 } }],
    // 004's catalog filters by service type.
    [BILLING_PLANS]: [{ keys: { id: -1 } }, { keys: { id_brand: 1, id: -1 } }, { keys: { service_type: 1, id: -1 } }],
  },
  async apply(raw, ctx) {
    const event = raw as ProjectedEvent & (BrandEvent | ServicePlanEvent);
    const brands = ctx.collection<BrandDoc>(BILLING_BRANDS);
    const plans = ctx.collection<PlanDoc>(BILLING_PLANS);
    const at = event.metadata.timestamp;
    const pos = event.position;
    switch (event.type) {
      case 'BrandRegistered': {
        const d = event.data;
        await applyOnce(
          brands,
          d.brandId,
          pos,
          { $set: { id_brand: d.brandId, nama_brand: d.name, payment_gateway: gatewayOf(d.gateway), created_at: d.registeredAt, updated_at: d.registeredAt } },
          { upsert: true },
        );
        return;
      }
      case 'BrandUpdated': {
        const c = event.data.changes;
        const set: Record<string, unknown> = { updated_at: event.data.updatedAt };
        if (c.name !== undefined) set.nama_brand = c.name;
        if (c.gateway !== undefined) set.payment_gateway = gatewayOf(c.gateway);
        await applyOnce(brands, event.data.brandId, pos, { $set: set });
        return;
      }
      case 'BrandDeleted':
        await brands.deleteOne({ _id: event.data.brandId });
        return;
      case 'ServicePlanCreated': {
        const d = event.data;
        await applyOnce(
          plans,
          String(d.planId),
          pos,
          {
            $set: {
              id: d.planId,
              id_brand: d.brandId,
              nama_paket: d.name,
              kecepatan: d.speedMbps,
              harga: d.price,
              currency: d.currency,
              profile_pppoe: d.pppoeProfile,
              ...catalogFields(d),
              created_at: d.createdAt,
              updated_at: d.createdAt,
            },
          },
          { upsert: true },
        );
        return;
      }
      case 'ServicePlanUpdated': {
        const c = event.data.changes;
        const set: Record<string, unknown> = { updated_at: event.data.updatedAt ?? at };
        if (c.brandId !== undefined) set.id_brand = c.brandId;
        if (c.name !== undefined) set.nama_paket = c.name;
        if (c.speedMbps !== undefined) set.kecepatan = c.speedMbps;
        if (c.price !== undefined) set.harga = c.price;
        if (c.currency !== undefined) set.currency = c.currency;
        if (c.pppoeProfile !== undefined) set.profile_pppoe = c.pppoeProfile;
        Object.assign(set, catalogFields(c));
        await applyOnce(plans, String(event.data.planId), pos, { $set: set });
        return;
      }
      case 'ServicePlanArchived':
        await plans.deleteOne({ _id: String(event.data.planId) });
        return;
    }
  },
};

import type { PppoeSyncSubject, ServiceState } from '../../commands/mikrotik-sync';
import type { ReadStore } from '../../ports/read-store';
import { getPlan } from '../billing-catalog/queries';
import { currentLangganan, getDataTeknisOfPelanggan, getPelanggan, langgananOfPelanggan } from '../billing-customers/queries';

/**
 * What the PPPoE sync needs to know about a pelanggan, put together from the billing read
 * models (customers, data teknis, langganan, paket layanan): who the customer is, its PPPoE
 * account and router, its plan's profile and whether its service is on. Shared by
 * `POST /api/mikrotik_servers/{id}/sync/{pelanggan_id}` and the suspension reactor.
 */

export interface SubjectSources {
  customer: { customerId: string; pelangganId: number } | null;
  technicalData: {
    mikrotikServerId: number | null;
    ip: string | null;
    pppoeUsername: string | null;
    pppoePasswordSealed: string | null;
  } | null;
  /** The pelanggan's current subscription (the one that is not terminated, else the latest). */
  subscription: { status: ServiceState; plan: { name: string; speedMbps: number; pppoeProfile: string | null } | null } | null;
}

/** A plan's PPP profile: its own when set, else one per speed ("50M", rate limit 50M/50M). */
export function planProfile(plan: { speedMbps: number; pppoeProfile: string | null }): { profile: string; rateLimit: string | null } {
  const rateLimit = `${plan.speedMbps}M/${plan.speedMbps}M`;
  return { profile: plan.pppoeProfile?.trim() || `${plan.speedMbps}M`, rateLimit };
}

export function composeSyncSubject(s: SubjectSources): PppoeSyncSubject | null {
  if (!s.customer) return null;
  const plan = s.subscription?.plan ?? null;
  return {
    pelangganId: s.customer.pelangganId,
    customerId: s.customer.customerId,
    mikrotikServerId: s.technicalData?.mikrotikServerId ?? null,
    pppoeUsername: s.technicalData?.pppoeUsername ?? null,
    pppoePasswordSealed: s.technicalData?.pppoePasswordSealed ?? null,
    remoteAddress: s.technicalData?.ip ?? null,
    plan: plan ? planProfile(plan) : null,
    // No subscription at all: nothing to switch off; the sync refuses for want of a plan.
    service: s.subscription?.status ?? 'active',
  };
}

export async function resolvePppoeSyncSubject(readStore: ReadStore, pelangganId: number): Promise<PppoeSyncSubject | null> {
  return composeSyncSubject(await subjectSources(readStore, pelangganId));
}

/** The billing read models' answers (src/projections/billing-customers, billing-catalog), through their query functions. */
export async function subjectSources(readStore: ReadStore, pelangganId: number): Promise<SubjectSources> {
  const pelanggan = await getPelanggan(readStore, pelangganId);
  if (!pelanggan) return { customer: null, technicalData: null, subscription: null };
  const customerId = pelanggan._id;
  const [teknis, current] = await Promise.all([getDataTeknisOfPelanggan(readStore, pelangganId), currentLangganan(readStore, customerId)]);
  // The subscription that is on (active or suspended); with none, the latest one (ended).
  const langganan = current[0] ?? (await langgananOfPelanggan(readStore, pelangganId))[0] ?? null;
  const plan = langganan ? await getPlan(readStore, langganan.paket_layanan_id) : null;
  return {
    customer: { customerId, pelangganId },
    technicalData: teknis
      ? { mikrotikServerId: teknis.mikrotik_server_id, ip: teknis.ip_pelanggan, pppoeUsername: teknis.username_pppoe, pppoePasswordSealed: teknis.password_pppoe_sealed }
      : null,
    subscription: langganan
      ? { status: langganan.status === 'pending' ? 'suspended' : langganan.status, plan: plan ? { name: plan.nama_paket, speedMbps: plan.kecepatan, pppoeProfile: plan.profile_pppoe } : null }
      : null,
  };
}

import type { PppoeSyncSubject, ServiceState } from '../../commands/mikrotik-sync';
import type { ReadStore } from '../../ports/read-store';

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

async function subjectSources(_readStore: ReadStore, _pelangganId: number): Promise<SubjectSources> {
  throw new Error('subjectSources: wire the billing read models');
}

import type { ReadStore } from '../../ports/read-store';
import { BILLING_BRANDS, BILLING_PLANS, type BrandDoc, type PlanDoc } from './projector';
import { pageWithTotal } from '../engine/page';

export async function listBrands(readStore: ReadStore, page: { skip: number; limit: number }): Promise<{ items: BrandDoc[]; total: number }> {
  const col = readStore.collection<BrandDoc>(BILLING_BRANDS);
  return pageWithTotal(col, {}, { sort: { id_brand: 1 }, skip: page.skip, limit: page.limit });
}

export function getBrand(readStore: ReadStore, brandId: string): Promise<BrandDoc | null> {
  return readStore.collection<BrandDoc>(BILLING_BRANDS).findOne({ _id: brandId.trim().toUpperCase() });
}

export async function listPlans(
  readStore: ReadStore,
  q: { brandId?: string; skip: number; limit: number },
): Promise<{ items: PlanDoc[]; total: number }> {
  const col = readStore.collection<PlanDoc>(BILLING_PLANS);
  const filter = q.brandId ? { id_brand: q.brandId.trim().toUpperCase() } : {};
  return pageWithTotal(col, filter, { sort: { id: -1 }, skip: q.skip, limit: q.limit });
}

export function getPlan(readStore: ReadStore, planId: number): Promise<PlanDoc | null> {
  return readStore.collection<PlanDoc>(BILLING_PLANS).findOne({ _id: String(planId) });
}

/** The plans, for reading: the store may share them, frozen (FindOptions `readonly`). */
export function getPlans(readStore: ReadStore, planIds: readonly number[]): Promise<PlanDoc[]> {
  return planIds.length ? readStore.collection<PlanDoc>(BILLING_PLANS).find({ _id: { $in: planIds.map(String) } }, { readonly: true }) : Promise.resolve([]);
}

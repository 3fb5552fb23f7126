import { servicePlanDecider, servicePlanStream, type PlanDetails, type ServicePlanState } from '../../domain/service-plan';
import { NotFoundError } from '../../domain/shared/errors';
import type { RequestMeta } from '../context';
import { handleCommand, loadAggregate, type CommandResult } from '../handle-command';
import { nextSequenceNumber } from '../sequences';
import { loadBrand } from './brands';
import type { BillingCommandDeps } from './deps';

export type PlanInput = Omit<PlanDetails, 'currency'>;

/** Creates a plan of an existing brand; its integer id comes from the `paket_layanan` sequence. */
export async function createServicePlan(
  deps: BillingCommandDeps,
  input: PlanInput,
  meta: RequestMeta,
): Promise<{ planId: number; result: CommandResult<ServicePlanState> }> {
  const brand = await loadBrand(deps, input.brandId);
  const planId = await nextSequenceNumber(deps, 'paket_layanan', meta);
  const result = await handleCommand(
    deps,
    servicePlanDecider,
    servicePlanStream(planId),
    { type: 'CreateServicePlan', planId, details: { ...input, brandId: brand.brandId, currency: deps.billing.currency }, now: deps.clock.now().toISOString() },
    meta,
  );
  return { planId, result };
}

export async function updateServicePlan(
  deps: BillingCommandDeps,
  planId: number,
  changes: Partial<PlanInput>,
  meta: RequestMeta,
): Promise<CommandResult<ServicePlanState>> {
  const next = { ...changes };
  if (changes.brandId !== undefined) next.brandId = (await loadBrand(deps, changes.brandId)).brandId;
  return handleCommand(deps, servicePlanDecider, servicePlanStream(planId), { type: 'UpdateServicePlan', changes: next, now: deps.clock.now().toISOString() }, meta);
}

export function archiveServicePlan(deps: BillingCommandDeps, planId: number, meta: RequestMeta): Promise<CommandResult<ServicePlanState>> {
  return handleCommand(deps, servicePlanDecider, servicePlanStream(planId), { type: 'ArchiveServicePlan', now: deps.clock.now().toISOString() }, meta);
}

/** A plan as the log has it (NotFoundError when unknown or archived). */
export async function loadServicePlan(deps: Pick<BillingCommandDeps, 'eventStore' | 'registry'>, planId: number): Promise<ServicePlanState> {
  const { state } = await loadAggregate(deps, servicePlanDecider, servicePlanStream(planId));
  if (!state.exists || state.archived) throw new NotFoundError('Service plan', String(planId));
  return state;
}

import type { Decider } from '../shared/decider';
import { IllegalStateError, NotFoundError, ValidationError, type FieldErrors } from '../shared/errors';
import type { PlanDetails, ServicePlanEvent } from './events';

export interface ServicePlanState {
  exists: boolean;
  archived: boolean;
  planId: number;
  details: PlanDetails | null;
}

export type ServicePlanCommand =
  | { type: 'CreateServicePlan'; planId: number; details: PlanDetails; now: string }
  | { type: 'UpdateServicePlan'; changes: Partial<PlanDetails>; now: string }
  | { type: 'ArchiveServicePlan'; now: string };

export const initialServicePlanState = (): ServicePlanState => ({ exists: false, archived: false, planId: 0, details: null });

export function evolveServicePlan(state: ServicePlanState, event: ServicePlanEvent): ServicePlanState {
  switch (event.type) {
    case 'ServicePlanCreated': {
      const { planId, createdAt: _c, ...details } = event.data;
      return { exists: true, archived: false, planId, details };
    }
    case 'ServicePlanUpdated':
      return { ...state, details: { ...state.details!, ...event.data.changes } };
    case 'ServicePlanArchived':
      return { ...state, archived: true };
  }
}

/** 002 field names, since only document 002 writes plans so far. */
function check(d: PlanDetails): void {
  const errors: FieldErrors = {};
  if (d.name.trim() === '') errors.nama_paket = ['The nama paket may not be empty.'];
  if (!Number.isSafeInteger(d.price) || d.price < 0) errors.harga = ['The harga must be a whole number of rupiah, 0 or more.'];
  if (!Number.isInteger(d.speedMbps) || d.speedMbps <= 0) errors.kecepatan = ['The kecepatan must be a whole number of Mbps above 0.'];
  if (Object.keys(errors).length) throw new ValidationError(errors);
}

export function decideServicePlan(command: ServicePlanCommand, state: ServicePlanState): ServicePlanEvent[] {
  if (command.type === 'CreateServicePlan') {
    if (state.exists) throw new IllegalStateError('Service plan already exists');
    check(command.details);
    return [{ type: 'ServicePlanCreated', data: { planId: command.planId, ...command.details, name: command.details.name.trim(), createdAt: command.now } }];
  }
  if (!state.exists || state.archived) throw new NotFoundError('Service plan', String(state.planId));
  if (command.type === 'ArchiveServicePlan') return [{ type: 'ServicePlanArchived', data: { planId: state.planId, archivedAt: command.now } }];
  const current = state.details!;
  const next = { ...current, ...Object.fromEntries(Object.entries(command.changes).filter(([, v]) => v !== undefined)) } as PlanDetails;
  check(next);
  const changes: Partial<PlanDetails> = {};
  const previous: Partial<PlanDetails> = {};
  for (const k of Object.keys(next) as (keyof PlanDetails)[]) {
    if (next[k] !== current[k]) {
      (changes as Record<string, unknown>)[k] = next[k];
      (previous as Record<string, unknown>)[k] = current[k];
    }
  }
  if (Object.keys(changes).length === 0) return [];
  return [{ type: 'ServicePlanUpdated', data: { planId: state.planId, changes, previous, updatedAt: command.now } }];
}

export const servicePlanDecider: Decider<ServicePlanState, ServicePlanCommand, ServicePlanEvent> = {
  initialState: initialServicePlanState,
  evolve: evolveServicePlan,
  decide: decideServicePlan,
};

import { deciderSpec } from '../../../test/support/decider-spec';
import { NotFoundError, ValidationError } from '../shared/errors';
import { servicePlanDecider } from './decider';
import type { PlanDetails, ServicePlanEvent } from './events';

const spec = deciderSpec(servicePlanDecider);
const now = '2026-03-01T02:00:00.000Z';
const details: PlanDetails = { brandId: 'JAKINET', name: 'Internet 50Mbps', speedMbps: 50, price: 300_000, currency: 'IDR', pppoeProfile: null };
const created: ServicePlanEvent = { type: 'ServicePlanCreated', data: { planId: 2, ...details, createdAt: now } };

describe('ServicePlan decider', () => {
  it('creates a plan with an integer price in rupiah', () => {
    spec.given([]).when({ type: 'CreateServicePlan', planId: 2, details, now }).then([created]);
    spec
      .given([])
      .when({ type: 'CreateServicePlan', planId: 2, details: { ...details, price: 299_999.5, speedMbps: 0 }, now })
      .thenThrows(ValidationError, (e) => expect(Object.keys(e.fields).sort()).toEqual(['harga', 'kecepatan']));
  });

  it('updates with previous values, and archives', () => {
    spec
      .given([created])
      .when({ type: 'UpdateServicePlan', changes: { price: 325_000 }, now })
      .then([{ type: 'ServicePlanUpdated', data: { planId: 2, changes: { price: 325_000 }, previous: { price: 300_000 }, updatedAt: now } }]);
    const archived: ServicePlanEvent = { type: 'ServicePlanArchived', data: { planId: 2, archivedAt: now } };
    spec.given([created]).when({ type: 'ArchiveServicePlan', now }).then([archived]);
    spec.given([created, archived]).when({ type: 'UpdateServicePlan', changes: { price: 1 }, now }).thenThrows(NotFoundError);
  });
});

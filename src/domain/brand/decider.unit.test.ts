import { deciderSpec } from '../../../test/support/decider-spec';
import { IllegalStateError, NotFoundError, ValidationError } from '../shared/errors';
import { brandDecider } from './decider';
import type { BrandEvent, GatewaySettings } from './events';

const spec = deciderSpec(brandDecider);
const now = '2026-03-01T02:00:00.000Z';
const gateway: GatewaySettings = { provider: 'xendit', apiKeySealed: 'v1.key', invoiceDurationSeconds: null };
const registered: BrandEvent = { type: 'BrandRegistered', data: { brandId: 'JAKINET', name: 'Jakinet', gateway, registeredAt: now } };
const deleted: BrandEvent = { type: 'BrandDeleted', data: { brandId: 'JAKINET', deletedAt: now } };

describe('Brand decider', () => {
  it('registers a brand with its gateway settings', () => {
    spec.given([]).when({ type: 'RegisterBrand', brandId: 'JAKINET', name: ' Jakinet ', gateway, now }).then([registered]);
    spec.given([registered]).when({ type: 'RegisterBrand', brandId: 'JAKINET', name: 'X', gateway, now }).thenThrows(IllegalStateError);
    spec.given([]).when({ type: 'RegisterBrand', brandId: 'JAKI NET', name: 'X', gateway, now }).thenThrows(ValidationError);
  });

  it('updates only what changed; a new key is a new gateway setting', () => {
    spec.given([registered]).when({ type: 'UpdateBrand', name: 'Jakinet', gateway, now }).thenNothing();
    const rotated = { ...gateway, apiKeySealed: 'v1.other' };
    spec.given([registered]).when({ type: 'UpdateBrand', gateway: rotated, now }).then([{ type: 'BrandUpdated', data: { brandId: 'JAKINET', changes: { gateway: rotated }, updatedAt: now } }]);
  });

  it('a deleted brand is gone, and its id may be registered again', () => {
    spec.given([registered]).when({ type: 'DeleteBrand', now }).then([deleted]);
    spec.given([registered, deleted]).when({ type: 'UpdateBrand', name: 'X', now }).thenThrows(NotFoundError);
    spec.given([registered, deleted]).when({ type: 'RegisterBrand', brandId: 'JAKINET', name: 'Jakinet', gateway, now }).then([registered]);
  });
});

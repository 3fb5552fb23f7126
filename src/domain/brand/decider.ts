import type { Decider } from '../shared/decider';
import { IllegalStateError, NotFoundError, ValidationError } from '../shared/errors';
import type { BrandEvent, GatewaySettings } from './events';

export interface BrandState {
  exists: boolean;
  deleted: boolean;
  brandId: string;
  name: string;
  gateway: GatewaySettings | null;
}

export type BrandCommand =
  | { type: 'RegisterBrand'; brandId: string; name: string; gateway: GatewaySettings; now: string }
  | { type: 'UpdateBrand'; name?: string; gateway?: GatewaySettings; now: string }
  | { type: 'DeleteBrand'; now: string };

export const initialBrandState = (): BrandState => ({ exists: false, deleted: false, brandId: '', name: '', gateway: null });

export function evolveBrand(state: BrandState, event: BrandEvent): BrandState {
  switch (event.type) {
    case 'BrandRegistered':
      return { exists: true, deleted: false, brandId: event.data.brandId, name: event.data.name, gateway: event.data.gateway };
    case 'BrandUpdated':
      return { ...state, ...event.data.changes };
    case 'BrandDeleted':
      return { ...state, deleted: true };
  }
}

const sameGateway = (a: GatewaySettings | null, b: GatewaySettings): boolean =>
  a !== null && a.provider === b.provider && a.apiKeySealed === b.apiKeySealed && a.invoiceDurationSeconds === b.invoiceDurationSeconds;

export function decideBrand(command: BrandCommand, state: BrandState): BrandEvent[] {
  if (command.type === 'RegisterBrand') {
    if (state.exists && !state.deleted) throw new IllegalStateError('Brand already exists');
    if (!/^[A-Z0-9_-]{1,32}$/.test(command.brandId)) throw new ValidationError({ id_brand: ['The id_brand must be 1 to 32 letters, digits, _ or -.'] });
    if (command.name.trim() === '') throw new ValidationError({ nama_brand: ['The nama brand may not be empty.'] });
    const { brandId, name, gateway, now } = command;
    return [{ type: 'BrandRegistered', data: { brandId, name: name.trim(), gateway, registeredAt: now } }];
  }
  if (!state.exists || state.deleted) throw new NotFoundError('Brand', state.brandId);
  if (command.type === 'DeleteBrand') return [{ type: 'BrandDeleted', data: { brandId: state.brandId, deletedAt: command.now } }];
  const changes: { name?: string; gateway?: GatewaySettings } = {};
  if (command.name !== undefined) {
    if (command.name.trim() === '') throw new ValidationError({ nama_brand: ['The nama brand may not be empty.'] });
    if (command.name.trim() !== state.name) changes.name = command.name.trim();
  }
  if (command.gateway !== undefined && !sameGateway(state.gateway, command.gateway)) changes.gateway = command.gateway;
  if (Object.keys(changes).length === 0) return [];
  return [{ type: 'BrandUpdated', data: { brandId: state.brandId, changes, updatedAt: command.now } }];
}

export const brandDecider: Decider<BrandState, BrandCommand, BrandEvent> = {
  initialState: initialBrandState,
  evolve: evolveBrand,
  decide: decideBrand,
};

import type { Projector } from '../engine/projector';
import { inventoryProjector } from './projector';
import { inventoryReferenceProjector } from './reference-projector';

/** The inventory read models (documents 003 and 000): reference data, then stock, devices and custody. */
export const inventoryProjectors: readonly Projector[] = [inventoryReferenceProjector, inventoryProjector];

export { inventoryProjector, inventoryReferenceProjector };

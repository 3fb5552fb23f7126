import type { Projector } from './engine/projector';
import { portalAccountsProjector } from './portal-accounts/projector';

/** Document 004's customer portal read models. */
export const portalProjectors: readonly Projector[] = [portalAccountsProjector];

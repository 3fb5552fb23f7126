import type { Projector } from './engine/projector';
import { mikrotikServersProjector } from './mikrotik-servers/projector';
import { mikrotikSyncProjector } from './mikrotik-sync/projector';

/** The read models of Mikrotik provisioning (document 002): servers and each customer's last PPPoE sync. */
export const mikrotikProjectors: readonly Projector[] = [mikrotikServersProjector, mikrotikSyncProjector];

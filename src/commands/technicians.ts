import {
  standingOf,
  technicianDecider,
  technicianStream,
  type TechnicianCommand,
  type TechnicianState,
} from '../domain/technician';
import { userDecider, userStream } from '../domain/user';
import type { CommandDeps, RequestMeta } from './context';
import { handleCommand, loadAggregate, type CommandResult, type HandleOptions } from './handle-command';

/**
 * Technician profile use cases. The technician id is the user id; each command first reads the
 * user aggregate (`user-<id>`) to learn whether that user is an active technician and hands the
 * answer to the decider, which refuses anyone else. Then load → decide → append on
 * `technician-<id>` with the expected revision (retried on conflict by handleCommand).
 */

export type TechnicianChange =
  | { type: 'UpdateTechnicianLocation'; lat: number; lng: number }
  | { type: 'ChangeTechnicianAvailability'; isAvailable: boolean; reason: string | null }
  | { type: 'UpdateTechnicianSkills'; skills?: readonly string[]; serviceAreas?: readonly string[] };

export async function changeTechnician(
  deps: CommandDeps,
  technicianId: string,
  change: TechnicianChange,
  meta: RequestMeta,
  options: Pick<HandleOptions, 'ifMatch'> = {},
): Promise<CommandResult<TechnicianState>> {
  const user = await loadAggregate(deps, userDecider, userStream(technicianId));
  const command = {
    ...change,
    technicianId,
    standing: standingOf(user.state),
    now: deps.clock.now().toISOString(),
  } as TechnicianCommand;
  return handleCommand(deps, technicianDecider, technicianStream(technicianId), command, meta, options);
}

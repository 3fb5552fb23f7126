import { deviceDecider, deviceStream } from '../domain/device';
import { CustodyRuleError } from '../domain/device/errors';
import { ConflictError } from '../domain/shared/errors';
import { WrongExpectedRevisionError } from '../ports/event-store';
import { toNewEvents, type RequestMeta } from './context';
import { loadAggregate } from './handle-command';
import type { InventoryCommandDeps } from './inventory-settings';
import { reservationStream } from './reservations';

/**
 * "A user may not hold two active devices of the same category" spans devices, so it cannot be
 * decided on one device's stream. Each (holder, category) pair has a custody slot: a
 * reservation stream (`unique-custody_slot-…`, the same UniqueValueReserved / Released events
 * as every uniqueness reservation) that an assignment claims before the device's stream records
 * it, and that its return (or cancellation) releases. Two assignments racing for one slot append
 * with the same expected revision: one wins.
 *
 * The owner is `<deviceId>/<assignmentId>`. A claim that finds the slot held checks whether the
 * holder's assignment is still active on its device: if it is, or if the claim is younger than
 * `custodySlotStaleMs` (its assignment may still be on its way), the slot is taken; otherwise the
 * claim was left behind by a command that never completed (a crash between claim and device
 * append, or a release that failed) and is taken over. So a failure can block a holder's
 * category for at most that long, and never lets two assignments through.
 */

export interface SlotOwner {
  holderUserId: string;
  categoryId: number;
  deviceId: string;
  assignmentId: string;
}

const KIND = 'custody_slot';
const slotValue = (o: Pick<SlotOwner, 'holderUserId' | 'categoryId'>) => `${o.holderUserId}:${o.categoryId}`;
const ownerOf = (o: Pick<SlotOwner, 'deviceId' | 'assignmentId'>) => `${o.deviceId}/${o.assignmentId}`;

export async function claimCustodySlot(deps: InventoryCommandDeps, owner: SlotOwner, meta: RequestMeta): Promise<void> {
  const stream = reservationStream(KIND, slotValue(owner));
  const me = ownerOf(owner);
  for (let attempt = 0; attempt < 10; attempt++) {
    const [last] = await deps.eventStore.readStream(stream, { direction: 'backwards', maxCount: 1 });
    const held = last?.type === 'UniqueValueReserved' ? String(last.data.ownerId) : null;
    if (held === me) return;
    if (held !== null) {
      const [deviceId, assignmentId] = held.split('/') as [string, string];
      const { state } = await loadAggregate(deps, deviceDecider, deviceStream(deviceId));
      const active = state.current?.assignmentId === assignmentId;
      const age = deps.clock.now().getTime() - Date.parse(last!.metadata.timestamp);
      if (active || age < deps.inventory.custodySlotStaleMs) {
        // Another request is assigning this very device to this holder: the device is taken.
        throw new CustodyRuleError(deviceId === owner.deviceId ? 'device_already_assigned' : 'category_already_held');
      }
    }
    try {
      await deps.eventStore.appendToStream(
        stream,
        toNewEvents(deps, meta, [{ type: 'UniqueValueReserved', data: { kind: KIND, value: slotValue(owner), ownerId: me } }]),
        { expectedRevision: last ? last.revision : 'no_stream' },
      );
      return;
    } catch (err) {
      if (!(err instanceof WrongExpectedRevisionError)) throw err;
    }
  }
  throw new ConflictError();
}

/** Frees the slot if this assignment holds it (after a return, a cancellation, or a failed assign). */
export async function releaseCustodySlot(deps: InventoryCommandDeps, owner: SlotOwner, meta: RequestMeta): Promise<void> {
  const stream = reservationStream(KIND, slotValue(owner));
  const [last] = await deps.eventStore.readStream(stream, { direction: 'backwards', maxCount: 1 });
  if (!last || last.type !== 'UniqueValueReserved' || String(last.data.ownerId) !== ownerOf(owner)) return;
  try {
    await deps.eventStore.appendToStream(
      stream,
      toNewEvents(deps, meta, [{ type: 'UniqueValueReleased', data: { kind: KIND, value: slotValue(owner), ownerId: ownerOf(owner) } }]),
      { expectedRevision: last.revision },
    );
  } catch (err) {
    // Taken over meanwhile: no longer ours to release.
    if (!(err instanceof WrongExpectedRevisionError)) throw err;
  }
}

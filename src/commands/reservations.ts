import { createHash } from 'node:crypto';
import { WrongExpectedRevisionError, type ExpectedRevision } from '../ports/event-store';
import { ConflictError, DuplicateError } from '../domain/shared/errors';
import { toNewEvents, type CommandDeps, type RequestMeta } from './context';

/**
 * Uniqueness (email, serial number, SKU, ...) is enforced by reserving the value in a stream
 * of its own, written with an expected revision, never by asking a read model: two
 * concurrent requests for the same value cannot both win.
 */

export function reservationStream(kind: string, value: string): string {
  return `unique-${kind}-${createHash('sha256').update(normalise(value)).digest('hex').slice(0, 40)}`;
}

function normalise(value: string): string {
  return value.trim().toLowerCase();
}

interface ReservationState {
  revision: number;
  ownerId: string | null;
}

/**
 * The stream is read whole (a reservation stream holds a few events) and `cached`: the store may
 * answer from the streams it committed itself, and a value seen once (a category's code, a
 * login's email, a value just found free) is not read from the file again. A reservation decided
 * on a stale view is refused by its expected revision and read again.
 */
async function readReservation(deps: CommandDeps, stream: string): Promise<ReservationState> {
  const events = await deps.eventStore.readStream(stream, { cached: true });
  const last = events[events.length - 1];
  if (!last) return { revision: -1, ownerId: null };
  return {
    revision: last.revision,
    ownerId: last.type === 'UniqueValueReserved' ? String(last.data.ownerId) : null,
  };
}

/**
 * Reserves `value` for `ownerId`; idempotent for the same owner; DuplicateError for another.
 * A value is usually new, so it is first appended as its stream's first event without a read:
 * under a stream of appends every read of the file pays for its pages again (~90 µs for a
 * stream that does not exist), and the writer checks the expected revision on its own
 * connection. Only when the stream exists is it read, and the reservation decided on it.
 */
export async function reserveUnique(
  deps: CommandDeps,
  kind: string,
  value: string,
  ownerId: string,
  meta: RequestMeta,
): Promise<void> {
  const stream = reservationStream(kind, value);
  let expected: ExpectedRevision = 'no_stream';
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      await deps.eventStore.appendToStream(
        stream,
        toNewEvents(deps, meta, [{ type: 'UniqueValueReserved', data: { kind, value: normalise(value), ownerId } }]),
        { expectedRevision: expected },
      );
      return;
    } catch (err) {
      if (!(err instanceof WrongExpectedRevisionError)) throw err;
    }
    const current = await readReservation(deps, stream);
    if (current.ownerId === ownerId) return;
    if (current.ownerId !== null) throw new DuplicateError(kind, value);
    expected = current.revision === -1 ? 'no_stream' : current.revision;
  }
  throw new ConflictError();
}

/**
 * Reserves several values for one owner at once: their appends share a commit instead of taking
 * one each, one after another. If any is refused, those taken are released and the refusal of
 * the first refused value, in the order given, is thrown (as reserving them in turn would have
 * reported it); the log then shows those taken as reserved and released, where reserving in turn
 * stopped at the refusal. Resolves to what releases them all again.
 */
export async function reserveAll(
  deps: CommandDeps,
  values: ReadonlyArray<readonly [kind: string, value: string]>,
  ownerId: string,
  meta: RequestMeta,
): Promise<() => Promise<void>> {
  const outcomes = await Promise.allSettled(values.map(([kind, value]) => reserveUnique(deps, kind, value, ownerId, meta)));
  const taken = values.filter((_, i) => outcomes[i]!.status === 'fulfilled');
  const release = async () => {
    for (const [kind, value] of taken) await releaseUnique(deps, kind, value, ownerId, meta);
  };
  const refused = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
  if (refused) {
    await release();
    throw refused.reason;
  }
  return release;
}

/** Frees `value` if `ownerId` holds it (after a rename, or when the owner's creation failed). */
export async function releaseUnique(
  deps: CommandDeps,
  kind: string,
  value: string,
  ownerId: string,
  meta: RequestMeta,
): Promise<void> {
  const stream = reservationStream(kind, value);
  const current = await readReservation(deps, stream);
  if (current.ownerId !== ownerId) return;
  try {
    await deps.eventStore.appendToStream(
      stream,
      toNewEvents(deps, meta, [{ type: 'UniqueValueReleased', data: { kind, value: normalise(value), ownerId } }]),
      { expectedRevision: current.revision },
    );
  } catch (err) {
    // Someone else changed the reservation in between: it is no longer ours to release.
    if (!(err instanceof WrongExpectedRevisionError)) throw err;
  }
}

/** Who holds `value` (e.g. the user id registered with an email), or null. */
export async function lookupUnique(deps: CommandDeps, kind: string, value: string): Promise<string | null> {
  return (await readReservation(deps, reservationStream(kind, value))).ownerId;
}

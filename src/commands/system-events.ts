import { z } from 'zod';
import { defineEvent } from '../domain/shared/events';

/** Events of the consistency machinery: uniqueness reservations, sequences, idempotency keys. */

export const UniqueValueReserved = defineEvent(
  'UniqueValueReserved',
  z.object({ kind: z.string(), value: z.string(), ownerId: z.string() }),
);
export const UniqueValueReleased = defineEvent(
  'UniqueValueReleased',
  z.object({ kind: z.string(), value: z.string(), ownerId: z.string() }),
);
export const SequenceNumberAllocated = defineEvent('SequenceNumberAllocated', z.object({ sequence: z.string() }));

const storedResponse = z.object({
  status: z.number().int(),
  body: z.unknown(),
  headers: z.record(z.string(), z.string()).default({}),
});
export type StoredResponse = z.infer<typeof storedResponse>;

export const IdempotencyKeyClaimed = defineEvent(
  'IdempotencyKeyClaimed',
  z.object({ scope: z.string(), requestHash: z.string(), claimedAt: z.string() }),
);
export const IdempotentResponseRecorded = defineEvent(
  'IdempotentResponseRecorded',
  z.object({ response: storedResponse }),
);
/** The first attempt failed without an answer worth replaying (a 5xx or a crash); the key is free again. */
export const IdempotencyClaimAbandoned = defineEvent('IdempotencyClaimAbandoned', z.object({ reason: z.string() }));


/** Written once, after the first super admin was created on an empty store. */
export const SystemBootstrapped = defineEvent(
  'SystemBootstrapped',
  z.object({ adminUserId: z.string(), adminEmail: z.string(), bootstrappedAt: z.string() }),
);

export const systemEvents = [
  UniqueValueReserved,
  UniqueValueReleased,
  SequenceNumberAllocated,
  IdempotencyKeyClaimed,
  IdempotentResponseRecorded,
  IdempotencyClaimAbandoned,
  SystemBootstrapped,
];

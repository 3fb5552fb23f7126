import { z } from 'zod';
import { defineEvent, type EventOf } from '../shared/events';

/**
 * A customer's technical data (document 002 `data_teknis`): the access line (ONT serial, ODP and
 * OLT ports), the VLAN, the address on the router and the PPPoE credentials, one record per
 * customer. Stream `technical_data-<id>`, the integer id from the `data_teknis` sequence.
 * `mikrotikServerId` is a plain reference to a Mikrotik server (owned by the RouterOS side);
 * the PPPoE password is stored sealed (SecretBox), never in clear text.
 */

export const technicalDetailsSchema = z.object({
  mikrotikServerId: z.number().int().positive().nullable(),
  /** IPv4 address on the router (002 `ip_pelanggan`), unique per Mikrotik server. */
  ip: z.string().nullable(),
  vlan: z.number().int().nullable(),
  pppoeUsername: z.string(),
  /** Sealed with the SecretBox; null: none set yet. */
  pppoePasswordSealed: z.string().nullable(),
  ontSerial: z.string().nullable(),
  odpPort: z.string().nullable(),
  oltPort: z.string().nullable(),
});
export type TechnicalDetails = z.infer<typeof technicalDetailsSchema>;

const ref = { technicalDataId: z.number().int().positive(), customerId: z.string(), pelangganId: z.number().int().positive() };

export const TechnicalDataRecorded = defineEvent(
  'TechnicalDataRecorded',
  z.object({ ...ref, ...technicalDetailsSchema.shape, recordedAt: z.string() }),
);
/** Only the changed fields; a new password appears sealed, never its previous value. */
export const TechnicalDataUpdated = defineEvent(
  'TechnicalDataUpdated',
  z.object({ ...ref, changes: technicalDetailsSchema.partial(), updatedAt: z.string() }),
);

export const technicalDataEvents = [TechnicalDataRecorded, TechnicalDataUpdated];
export type TechnicalDataEvent = EventOf<typeof TechnicalDataRecorded> | EventOf<typeof TechnicalDataUpdated>;

export const technicalDataStream = (technicalDataId: number): string => `technical_data-${technicalDataId}`;

/** VLAN ids a customer line may use (802.1Q: 0 and 4095 are reserved). */
export const VLAN_MIN = 1;
export const VLAN_MAX = 4094;

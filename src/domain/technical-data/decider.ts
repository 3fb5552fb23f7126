import type { Decider } from '../shared/decider';
import { IllegalStateError, NotFoundError, ValidationError, type FieldErrors } from '../shared/errors';
import { VLAN_MAX, VLAN_MIN, type TechnicalDataEvent, type TechnicalDetails } from './events';

export interface TechnicalDataState {
  exists: boolean;
  technicalDataId: number;
  customerId: string;
  pelangganId: number;
  details: TechnicalDetails | null;
}

export type TechnicalDataCommand =
  | { type: 'RecordTechnicalData'; technicalDataId: number; customerId: string; pelangganId: number; details: TechnicalDetails; now: string }
  | { type: 'UpdateTechnicalData'; changes: Partial<TechnicalDetails>; now: string };

export const initialTechnicalDataState = (): TechnicalDataState => ({ exists: false, technicalDataId: 0, customerId: '', pelangganId: 0, details: null });

export function evolveTechnicalData(state: TechnicalDataState, event: TechnicalDataEvent): TechnicalDataState {
  switch (event.type) {
    case 'TechnicalDataRecorded': {
      const { technicalDataId, customerId, pelangganId, recordedAt: _r, ...details } = event.data;
      return { exists: true, technicalDataId, customerId, pelangganId, details };
    }
    case 'TechnicalDataUpdated':
      return { ...state, details: { ...state.details!, ...event.data.changes } };
  }
}

/** Dotted-quad IPv4 (no leading zeros, each part 0-255). */
export function isIPv4(s: string): boolean {
  const parts = s.split('.');
  return parts.length === 4 && parts.every((p) => /^(0|[1-9]\d{0,2})$/.test(p) && Number(p) <= 255);
}

/** Invariants of a line's technical data (002 field names in the messages). */
export function checkTechnicalDetails(d: TechnicalDetails): FieldErrors {
  const errors: FieldErrors = {};
  if (d.ip !== null && !isIPv4(d.ip)) errors.ip_pelanggan = ['The ip pelanggan must be an IPv4 address.'];
  if (d.vlan !== null && (!Number.isInteger(d.vlan) || d.vlan < VLAN_MIN || d.vlan > VLAN_MAX)) {
    errors.vlan = [`The vlan must be between ${VLAN_MIN} and ${VLAN_MAX}.`];
  }
  if (d.pppoeUsername.trim() === '') errors.username_pppoe = ['The username pppoe may not be empty.'];
  return errors;
}

export function decideTechnicalData(command: TechnicalDataCommand, state: TechnicalDataState): TechnicalDataEvent[] {
  if (command.type === 'RecordTechnicalData') {
    if (state.exists) throw new IllegalStateError('Technical data already recorded');
    const errors = checkTechnicalDetails(command.details);
    if (Object.keys(errors).length) throw new ValidationError(errors);
    const { technicalDataId, customerId, pelangganId, details, now } = command;
    return [{ type: 'TechnicalDataRecorded', data: { technicalDataId, customerId, pelangganId, ...details, recordedAt: now } }];
  }
  if (!state.exists) throw new NotFoundError('Technical data', String(state.technicalDataId));
  const current = state.details!;
  const next = { ...current, ...Object.fromEntries(Object.entries(command.changes).filter(([, v]) => v !== undefined)) } as TechnicalDetails;
  const errors = checkTechnicalDetails(next);
  if (Object.keys(errors).length) throw new ValidationError(errors);
  const changes: Partial<TechnicalDetails> = {};
  for (const k of Object.keys(next) as (keyof TechnicalDetails)[]) if (next[k] !== current[k]) (changes as Record<string, unknown>)[k] = next[k];
  if (Object.keys(changes).length === 0) return [];
  return [
    {
      type: 'TechnicalDataUpdated',
      data: { technicalDataId: state.technicalDataId, customerId: state.customerId, pelangganId: state.pelangganId, changes, updatedAt: command.now },
    },
  ];
}

export const technicalDataDecider: Decider<TechnicalDataState, TechnicalDataCommand, TechnicalDataEvent> = {
  initialState: initialTechnicalDataState,
  evolve: evolveTechnicalData,
  decide: decideTechnicalData,
};

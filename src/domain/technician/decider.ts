import type { Decider } from '../shared/decider';
import { IllegalStateError, NotFoundError, ValidationError, type FieldErrors } from '../shared/errors';
import type { UserState } from '../user/decider';
import type { TechnicianEvent } from './events';

/**
 * Where the user behind a technician id stands, read from the user aggregate by the command
 * function and handed to the decider inside the command (the decider itself does no I/O).
 */
export type TechnicianStanding = 'active' | 'deactivated' | 'not_a_technician';

export function standingOf(user: Pick<UserState, 'exists' | 'role' | 'isActive'>): TechnicianStanding {
  if (!user.exists || user.role !== 'technician') return 'not_a_technician';
  return user.isActive ? 'active' : 'deactivated';
}

export interface TechnicianLocation {
  lat: number;
  lng: number;
  updatedAt: string;
}

export interface TechnicianState {
  /** A new technician takes work until they say otherwise. */
  isAvailable: boolean;
  unavailableReason: string | null;
  skills: string[];
  serviceAreas: string[];
  location: TechnicianLocation | null;
}

interface Addressed {
  technicianId: string;
  standing: TechnicianStanding;
  now: string;
}

export type TechnicianCommand =
  | ({ type: 'UpdateTechnicianLocation'; lat: number; lng: number } & Addressed)
  | ({ type: 'ChangeTechnicianAvailability'; isAvailable: boolean; reason: string | null } & Addressed)
  /** Replaces the lists given; an omitted list stays as it is. */
  | ({ type: 'UpdateTechnicianSkills'; skills?: readonly string[]; serviceAreas?: readonly string[] } & Addressed);

export const LIMITS = {
  reasonLength: 500,
  listEntries: 50,
  entryLength: 100,
} as const;

export const initialTechnicianState = (): TechnicianState => ({
  isAvailable: true,
  unavailableReason: null,
  skills: [],
  serviceAreas: [],
  location: null,
});

export function evolveTechnician(state: TechnicianState, event: TechnicianEvent): TechnicianState {
  switch (event.type) {
    case 'TechnicianLocationUpdated':
      return { ...state, location: { lat: event.data.lat, lng: event.data.lng, updatedAt: event.data.updatedAt } };
    case 'TechnicianAvailabilityChanged':
      return { ...state, isAvailable: event.data.isAvailable, unavailableReason: event.data.reason };
    case 'TechnicianSkillsUpdated':
      return { ...state, skills: event.data.skills, serviceAreas: event.data.serviceAreas };
  }
}

function requireActiveTechnician(command: Addressed): void {
  if (command.standing === 'not_a_technician') throw new NotFoundError('Technician', command.technicianId);
  if (command.standing === 'deactivated') {
    throw new IllegalStateError('The technician is deactivated', 'deactivated', []);
  }
}

function throwIfAny(fields: FieldErrors): void {
  if (Object.keys(fields).length > 0) throw new ValidationError(fields);
}

/**
 * Trims each entry and drops case-insensitive duplicates (the first spelling wins), so
 * "Fiber Splicing" and "fiber splicing " are one skill. Empty and over-long entries are refused.
 */
export function normaliseList(field: string, values: readonly string[], errors: FieldErrors): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  const problems: string[] = [];
  if (values.length > LIMITS.listEntries) problems.push(`The ${field.replace('_', ' ')} may not have more than ${LIMITS.listEntries} entries.`);
  for (const raw of values) {
    const v = raw.trim();
    if (v === '') {
      problems.push(`The ${field.replace('_', ' ')} may not contain empty entries.`);
      continue;
    }
    if (v.length > LIMITS.entryLength) {
      problems.push(`Each entry of ${field.replace('_', ' ')} may not be longer than ${LIMITS.entryLength} characters.`);
      continue;
    }
    const key = v.toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(v);
  }
  if (problems.length > 0) errors[field] = [...new Set(problems)];
  return out;
}

const sameList = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((v, i) => v === b[i]);

export function decideTechnician(command: TechnicianCommand, state: TechnicianState): TechnicianEvent[] {
  requireActiveTechnician(command);
  const { technicianId, now } = command;
  switch (command.type) {
    case 'UpdateTechnicianLocation': {
      const errors: FieldErrors = {};
      if (!Number.isFinite(command.lat) || command.lat < -90 || command.lat > 90) {
        errors.lat = ['The lat must be between -90 and 90.'];
      }
      if (!Number.isFinite(command.lng) || command.lng < -180 || command.lng > 180) {
        errors.lng = ['The lng must be between -180 and 180.'];
      }
      throwIfAny(errors);
      // Every report is a fact worth keeping (it moves updated_at), even at the same spot.
      return [{ type: 'TechnicianLocationUpdated', data: { technicianId, lat: command.lat, lng: command.lng, updatedAt: now } }];
    }
    case 'ChangeTechnicianAvailability': {
      const reason = command.isAvailable ? null : (command.reason ?? '').trim();
      if (reason === '') throw new ValidationError({ reason: ['The reason field is required when is available is false.'] });
      if (reason !== null && reason.length > LIMITS.reasonLength) {
        throw new ValidationError({ reason: [`The reason may not be longer than ${LIMITS.reasonLength} characters.`] });
      }
      if (state.isAvailable === command.isAvailable && state.unavailableReason === reason) return [];
      return [{ type: 'TechnicianAvailabilityChanged', data: { technicianId, isAvailable: command.isAvailable, reason, changedAt: now } }];
    }
    case 'UpdateTechnicianSkills': {
      const errors: FieldErrors = {};
      const skills = command.skills ? normaliseList('skills', command.skills, errors) : state.skills;
      const serviceAreas = command.serviceAreas ? normaliseList('service_areas', command.serviceAreas, errors) : state.serviceAreas;
      throwIfAny(errors);
      if (sameList(skills, state.skills) && sameList(serviceAreas, state.serviceAreas)) return [];
      return [{ type: 'TechnicianSkillsUpdated', data: { technicianId, skills, serviceAreas, updatedAt: now } }];
    }
  }
}

export const technicianDecider: Decider<TechnicianState, TechnicianCommand, TechnicianEvent> = {
  initialState: initialTechnicianState,
  evolve: evolveTechnician,
  decide: decideTechnician,
};

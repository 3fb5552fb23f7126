import type { TechnicianEvent } from '../../domain/technician';
import type { UserEvent } from '../../domain/user';
import type { Doc } from '../../ports/read-store';
import { applyOnce, type ProjectedEvent, type Projector } from '../engine/projector';

export const TECHNICIANS = 'technicians';

/**
 * One document per user (the technician id is the user id). Every user has one, because a
 * user can become a technician later (UserRoleChanged) and the profile then needs the number,
 * name and phone from their registration; `is_technician` says whether the user is one now.
 * Queries only ever return documents with `is_technician: true` (see queries.ts).
 */
export interface TechnicianDoc extends Doc {
  id: string;
  user_id: string;
  number: number;
  /** EMP- and the user's number padded to 4: EMP-0007. */
  employee_id: string;
  full_name: string;
  /** Lower-cased full name: the list's sort key. */
  name_key: string;
  phone: string | null;
  is_technician: boolean;
  is_active: boolean;
  skills: string[];
  /** Lower-cased skills: what the skills filter matches (case-insensitively). */
  skill_keys: string[];
  service_areas: string[];
  service_area_keys: string[];
  is_available: boolean;
  unavailable_reason: string | null;
  availability_changed_at: string | null;
  current_location: { lat: number; lng: number; updated_at: string } | null;
  created_at: string;
  updated_at: string;
  /** Revision of the last event of stream technician-<id> (-1 before the first): the ETag. */
  revision: number;
}

export const employeeId = (number: number): string => `EMP-${String(number).padStart(4, '0')}`;
const keys = (list: readonly string[]) => [...new Set(list.map((v) => v.toLowerCase()))];

const TAIL = { name_key: 1, number: 1 } as const;

export const technicianProfileProjector: Projector = {
  name: 'technicians',
  handles: [
    'UserRegistered',
    'UserProfileUpdated',
    'UserRoleChanged',
    'UserDeactivated',
    'UserReactivated',
    'TechnicianLocationUpdated',
    'TechnicianAvailabilityChanged',
    'TechnicianSkillsUpdated',
  ],
  collections: {
    // The list filters on is_technician + is_active always, optionally on is_available, one
    // service area and skills, and sorts by name_key then number (unique: the tie-breaker).
    // service_area_keys and skill_keys are multikey: each index serves an equality on one element.
    [TECHNICIANS]: [
      { keys: { is_technician: 1, is_active: 1, ...TAIL } },
      { keys: { is_technician: 1, is_active: 1, is_available: 1, ...TAIL } },
      { keys: { service_area_keys: 1, is_technician: 1, is_active: 1, ...TAIL } },
      { keys: { service_area_keys: 1, is_technician: 1, is_active: 1, is_available: 1, ...TAIL } },
      { keys: { skill_keys: 1, is_technician: 1, is_active: 1, ...TAIL } },
      { keys: { skill_keys: 1, is_technician: 1, is_active: 1, is_available: 1, ...TAIL } },
    ],
  },
  async apply(raw, ctx) {
    const event = raw as ProjectedEvent & (UserEvent | TechnicianEvent);
    const col = ctx.collection<TechnicianDoc>(TECHNICIANS);
    const at = event.metadata.timestamp;
    switch (event.type) {
      case 'UserRegistered': {
        const d = event.data;
        await applyOnce(
          col,
          d.userId,
          event.position,
          {
            $set: {
              id: d.userId,
              user_id: d.userId,
              number: d.number,
              employee_id: employeeId(d.number),
              full_name: d.profile.full_name,
              name_key: d.profile.full_name.toLowerCase(),
              phone: d.profile.phone,
              is_technician: d.role === 'technician',
              is_active: true,
              created_at: d.registeredAt,
              updated_at: d.registeredAt,
            },
            // The technician stream starts after the registration; these are its initial state.
            $setOnInsert: {
              skills: [],
              skill_keys: [],
              service_areas: [],
              service_area_keys: [],
              is_available: true,
              unavailable_reason: null,
              availability_changed_at: null,
              current_location: null,
              revision: -1,
            },
          },
          { upsert: true },
        );
        return;
      }
      case 'UserProfileUpdated': {
        const c = event.data.changes;
        const set: Record<string, unknown> = {};
        if (c.full_name !== undefined) Object.assign(set, { full_name: c.full_name, name_key: c.full_name.toLowerCase() });
        if (c.phone !== undefined) set.phone = c.phone;
        if (Object.keys(set).length === 0) return;
        await applyOnce(col, event.data.userId, event.position, { $set: { ...set, updated_at: at } });
        return;
      }
      case 'UserRoleChanged':
        await applyOnce(col, event.data.userId, event.position, {
          $set: { is_technician: event.data.role === 'technician', updated_at: at },
        });
        return;
      case 'UserDeactivated':
        await applyOnce(col, event.data.userId, event.position, { $set: { is_active: false, updated_at: at } });
        return;
      case 'UserReactivated':
        await applyOnce(col, event.data.userId, event.position, { $set: { is_active: true, updated_at: at } });
        return;
      case 'TechnicianLocationUpdated': {
        const d = event.data;
        await applyOnce(col, d.technicianId, event.position, {
          $set: { current_location: { lat: d.lat, lng: d.lng, updated_at: d.updatedAt }, updated_at: at, revision: event.revision },
        });
        return;
      }
      case 'TechnicianAvailabilityChanged': {
        const d = event.data;
        await applyOnce(col, d.technicianId, event.position, {
          $set: { is_available: d.isAvailable, unavailable_reason: d.reason, availability_changed_at: d.changedAt, updated_at: at, revision: event.revision },
        });
        return;
      }
      case 'TechnicianSkillsUpdated': {
        const d = event.data;
        await applyOnce(col, d.technicianId, event.position, {
          $set: {
            skills: d.skills,
            skill_keys: keys(d.skills),
            service_areas: d.serviceAreas,
            service_area_keys: keys(d.serviceAreas),
            updated_at: at,
            revision: event.revision,
          },
        });
        return;
      }
      default:
        return;
    }
  },
};

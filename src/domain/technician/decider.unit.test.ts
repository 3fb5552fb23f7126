import { deciderSpec } from '../../../test/support/decider-spec';
import { IllegalStateError, NotFoundError, ValidationError } from '../shared/errors';
import { initialUserState } from '../user/decider';
import { LIMITS, standingOf, technicianDecider, type TechnicianCommand, type TechnicianStanding } from './decider';
import type { TechnicianEvent } from './events';

const spec = deciderSpec(technicianDecider);
const technicianId = '5f0c7a52-0000-4000-8000-000000000001';
const now = '2026-01-15T12:00:00.000Z';
const later = '2026-01-15T13:00:00.000Z';
const base = { technicianId, standing: 'active' as TechnicianStanding, now };

const located: TechnicianEvent = {
  type: 'TechnicianLocationUpdated',
  data: { technicianId, lat: -6.2, lng: 106.8, updatedAt: now },
};
const wentUnavailable: TechnicianEvent = {
  type: 'TechnicianAvailabilityChanged',
  data: { technicianId, isAvailable: false, reason: 'Sick leave', changedAt: now },
};
const skilled: TechnicianEvent = {
  type: 'TechnicianSkillsUpdated',
  data: { technicianId, skills: ['Fiber Splicing', 'Router Setup'], serviceAreas: ['Jakarta Selatan'], updatedAt: now },
};

const validation = (field: string) => (e: ValidationError) => expect(Object.keys(e.fields)).toEqual([field]);

describe('Technician decider', () => {
  describe('standing of the user behind the id', () => {
    const user = { ...initialUserState(), exists: true, role: 'technician' as const, isActive: true };
    it.each<[string, Parameters<typeof standingOf>[0], TechnicianStanding]>([
      ['an active technician', user, 'active'],
      ['a deactivated technician', { ...user, isActive: false }, 'deactivated'],
      ['a user with another role', { ...user, role: 'supervisor' }, 'not_a_technician'],
      ['no user at all', initialUserState(), 'not_a_technician'],
    ])('%s', (_label, state, expected) => {
      expect(standingOf(state)).toBe(expected);
    });
  });

  const commands: Record<TechnicianCommand['type'], TechnicianCommand> = {
    UpdateTechnicianLocation: { type: 'UpdateTechnicianLocation', lat: -6.2, lng: 106.8, ...base },
    ChangeTechnicianAvailability: { type: 'ChangeTechnicianAvailability', isAvailable: false, reason: 'Sick leave', ...base },
    UpdateTechnicianSkills: { type: 'UpdateTechnicianSkills', skills: ['Fiber Splicing'], ...base },
  };

  describe.each(Object.values(commands).map((c) => [c.type, c] as const))('%s refusals', (_type, command) => {
    it('refuses a user that is not a technician (NotFound)', () => {
      spec
        .given([])
        .when({ ...command, standing: 'not_a_technician' })
        .thenThrows(NotFoundError, (e) => expect(e.id).toBe(technicianId));
    });
    it('refuses a deactivated technician', () => {
      spec
        .given([])
        .when({ ...command, standing: 'deactivated' })
        .thenThrows(IllegalStateError, (e) => expect(e.current).toBe('deactivated'));
    });
  });

  describe('UpdateTechnicianLocation', () => {
    it('records the location with the time of the report', () => {
      spec.given([]).when(commands.UpdateTechnicianLocation).then([located]);
    });
    it('records a repeated report at the same spot (it moves updated_at)', () => {
      spec
        .given([located])
        .when({ ...commands.UpdateTechnicianLocation, now: later })
        .then([{ type: 'TechnicianLocationUpdated', data: { ...located.data, updatedAt: later } } as TechnicianEvent]);
    });
    it('accepts the edges of the ranges', () => {
      spec
        .given([])
        .when({ type: 'UpdateTechnicianLocation', lat: -90, lng: 180, ...base })
        .then([{ type: 'TechnicianLocationUpdated', data: { technicianId, lat: -90, lng: 180, updatedAt: now } }]);
    });
    it.each([
      [90.0001, 0, 'lat'],
      [-90.5, 0, 'lat'],
      [Number.NaN, 0, 'lat'],
      [0, 180.01, 'lng'],
      [0, -181, 'lng'],
      [0, Number.POSITIVE_INFINITY, 'lng'],
    ])('refuses lat %p lng %p (%s out of range)', (lat, lng, field) => {
      spec.given([]).when({ type: 'UpdateTechnicianLocation', lat, lng, ...base }).thenThrows(ValidationError, validation(field));
    });
    it('names both fields when both are out of range', () => {
      spec
        .given([])
        .when({ type: 'UpdateTechnicianLocation', lat: 91, lng: 181, ...base })
        .thenThrows(ValidationError, (e) => {
          expect(e.fields).toEqual({ lat: ['The lat must be between -90 and 90.'], lng: ['The lng must be between -180 and 180.'] });
        });
    });
  });

  describe('ChangeTechnicianAvailability', () => {
    const available: TechnicianCommand = { type: 'ChangeTechnicianAvailability', isAvailable: true, reason: null, ...base };

    it('goes unavailable with the (trimmed) reason', () => {
      spec
        .given([])
        .when({ ...commands.ChangeTechnicianAvailability, reason: '  Sick leave ' } as TechnicianCommand)
        .then([wentUnavailable]);
    });
    it.each([null, '', '   '])('refuses to go unavailable without a reason (%p)', (reason) => {
      spec
        .given([])
        .when({ ...commands.ChangeTechnicianAvailability, reason } as TechnicianCommand)
        .thenThrows(ValidationError, validation('reason'));
    });
    it('refuses an over-long reason', () => {
      spec
        .given([])
        .when({ ...commands.ChangeTechnicianAvailability, reason: 'x'.repeat(LIMITS.reasonLength + 1) } as TechnicianCommand)
        .thenThrows(ValidationError, validation('reason'));
    });
    it('comes back available, dropping any reason given', () => {
      spec
        .given([wentUnavailable])
        .when({ ...available, reason: 'ignored', now: later } as TechnicianCommand)
        .then([{ type: 'TechnicianAvailabilityChanged', data: { technicianId, isAvailable: true, reason: null, changedAt: later } }]);
    });
    it('changes nothing when already available (a new technician is available)', () => {
      spec.given([]).when(available).thenNothing();
    });
    it('changes nothing when already unavailable for the same reason', () => {
      spec.given([wentUnavailable]).when(commands.ChangeTechnicianAvailability).thenNothing();
    });
    it('records a new reason while staying unavailable', () => {
      spec
        .given([wentUnavailable])
        .when({ ...commands.ChangeTechnicianAvailability, reason: 'Vehicle broke down', now: later } as TechnicianCommand)
        .then([
          {
            type: 'TechnicianAvailabilityChanged',
            data: { technicianId, isAvailable: false, reason: 'Vehicle broke down', changedAt: later },
          },
        ]);
    });
  });

  describe('UpdateTechnicianSkills', () => {
    it('sets skills and service areas, trimmed and without case-insensitive duplicates', () => {
      spec
        .given([])
        .when({
          type: 'UpdateTechnicianSkills',
          skills: [' Fiber Splicing', 'Router Setup', 'fiber splicing'],
          serviceAreas: ['Jakarta Selatan '],
          ...base,
        })
        .then([skilled]);
    });
    it('keeps the list that is not given', () => {
      spec
        .given([skilled])
        .when({ type: 'UpdateTechnicianSkills', serviceAreas: ['Depok'], ...base, now: later })
        .then([
          {
            type: 'TechnicianSkillsUpdated',
            data: { technicianId, skills: ['Fiber Splicing', 'Router Setup'], serviceAreas: ['Depok'], updatedAt: later },
          },
        ]);
    });
    it('clears a list given empty', () => {
      spec
        .given([skilled])
        .when({ type: 'UpdateTechnicianSkills', skills: [], ...base })
        .then([{ type: 'TechnicianSkillsUpdated', data: { technicianId, skills: [], serviceAreas: ['Jakarta Selatan'], updatedAt: now } }]);
    });
    it('changes nothing when the lists are the same', () => {
      spec
        .given([skilled])
        .when({ type: 'UpdateTechnicianSkills', skills: ['Fiber Splicing', 'Router Setup'], serviceAreas: ['Jakarta Selatan'], ...base })
        .thenNothing();
      spec.given([]).when({ type: 'UpdateTechnicianSkills', ...base }).thenNothing();
    });
    it.each([
      ['an empty entry', { skills: ['ok', ' '] }, 'skills'],
      ['an over-long entry', { serviceAreas: ['x'.repeat(LIMITS.entryLength + 1)] }, 'service_areas'],
      ['too many entries', { skills: Array.from({ length: LIMITS.listEntries + 1 }, (_, i) => `skill ${i}`) }, 'skills'],
    ])('refuses %s', (_label, lists, field) => {
      spec
        .given([])
        .when({ type: 'UpdateTechnicianSkills', ...lists, ...base })
        .thenThrows(ValidationError, validation(field));
    });
  });

  it('evolves the state every later decision sees', () => {
    const state = [located, wentUnavailable, skilled].reduce(technicianDecider.evolve, technicianDecider.initialState());
    expect(state).toEqual({
      isAvailable: false,
      unavailableReason: 'Sick leave',
      skills: ['Fiber Splicing', 'Router Setup'],
      serviceAreas: ['Jakarta Selatan'],
      location: { lat: -6.2, lng: 106.8, updatedAt: now },
    });
  });
});

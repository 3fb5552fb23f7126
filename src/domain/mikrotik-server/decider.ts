import { z } from 'zod';
import type { Decider } from '../shared/decider';
import { IllegalStateError, NotFoundError, ValidationError, type FieldErrors } from '../shared/errors';
import type { MikrotikServerEvent, SealedCredentials, ServerDetails } from './events';

export interface ConnectionTest {
  ok: boolean;
  error: string | null;
  identity: string | null;
  routerVersion: string | null;
  latencyMs: number;
  testedAt: string;
}

export interface MikrotikServerState {
  exists: boolean;
  removed: boolean;
  serverId: number;
  details: ServerDetails;
  credentials: SealedCredentials;
  lastTest: ConnectionTest | null;
}

export type MikrotikServerCommand =
  | { type: 'RegisterMikrotikServer'; serverId: number; details: ServerDetails; credentials: SealedCredentials; now: string }
  | { type: 'UpdateMikrotikServer'; changes: Partial<ServerDetails>; credentials: Partial<SealedCredentials> | null; now: string }
  | { type: 'RemoveMikrotikServer'; now: string }
  | { type: 'RecordConnectionTest'; test: Omit<ConnectionTest, 'testedAt'>; now: string };

export const initialMikrotikServerState = (): MikrotikServerState => ({
  exists: false,
  removed: false,
  serverId: 0,
  details: { name: '', host: '', port: 0, useTls: false, rosVersion: null },
  credentials: { usernameSealed: '', passwordSealed: '' },
  lastTest: null,
});

export function evolveMikrotikServer(state: MikrotikServerState, event: MikrotikServerEvent): MikrotikServerState {
  switch (event.type) {
    case 'MikrotikServerRegistered': {
      const { serverId, usernameSealed, passwordSealed, registeredAt: _r, ...details } = event.data;
      return { ...initialMikrotikServerState(), exists: true, serverId, details, credentials: { usernameSealed, passwordSealed } };
    }
    case 'MikrotikServerUpdated':
      return {
        ...state,
        details: { ...state.details, ...event.data.changes },
        credentials: { ...state.credentials, ...(event.data.credentials ?? {}) },
      };
    case 'MikrotikServerRemoved':
      return { ...state, removed: true };
    case 'MikrotikServerConnectionTested': {
      const { serverId: _s, ...test } = event.data;
      return { ...state, lastTest: test };
    }
  }
}

const hostSchema = z.union([z.ipv4(), z.ipv6(), z.hostname()]);

/** An IPv4 or IPv6 address or a host name; digits and dots alone must be a valid IPv4 address. */
export function isRouterHost(s: string): boolean {
  if (/^[\d.]+$/.test(s)) return z.ipv4().safeParse(s).success;
  return s.length <= 253 && hostSchema.safeParse(s).success;
}
const ROS_VERSION = /^\d{1,2}(\.\d{1,3}){0,2}(\s*\(\w+\))?$/;

/** Invariants of a server's details, messages under document 002's field names. */
export function checkServerDetails(d: ServerDetails): FieldErrors {
  const errors: FieldErrors = {};
  const add = (field: string, message: string) => (errors[field] ??= []).push(message);
  const name = d.name.trim();
  if (name === '') add('name', 'The name may not be empty.');
  else if (name.length > 100) add('name', 'The name may not be longer than 100 characters.');
  if (!isRouterHost(d.host)) add('host_ip', 'The host ip must be an IPv4 or IPv6 address or a host name.');
  if (!Number.isInteger(d.port) || d.port < 1 || d.port > 65535) add('port', 'The port must be between 1 and 65535.');
  if (d.rosVersion !== null && !ROS_VERSION.test(d.rosVersion)) add('ros_version', 'The ros version must be a RouterOS version such as 7.18 or 6.49.10.');
  return errors;
}

function requireValid(d: ServerDetails): void {
  const errors = checkServerDetails(d);
  if (Object.keys(errors).length > 0) throw new ValidationError(errors);
}

function requireCredentials(c: Partial<SealedCredentials>): void {
  if (c.usernameSealed === '' || c.passwordSealed === '') throw new ValidationError({ username: ['The router login may not be empty.'] });
}

export function decideMikrotikServer(command: MikrotikServerCommand, state: MikrotikServerState): MikrotikServerEvent[] {
  if (command.type === 'RegisterMikrotikServer') {
    if (state.exists) throw new IllegalStateError('Mikrotik server already exists');
    requireValid(command.details);
    requireCredentials(command.credentials);
    const { serverId, details, credentials, now } = command;
    return [{ type: 'MikrotikServerRegistered', data: { serverId, ...details, name: details.name.trim(), ...credentials, registeredAt: now } }];
  }
  if (!state.exists || state.removed) throw new NotFoundError('Mikrotik server', String(state.serverId));
  const serverId = state.serverId;
  switch (command.type) {
    case 'UpdateMikrotikServer': {
      const given = Object.fromEntries(Object.entries(command.changes).filter(([, v]) => v !== undefined)) as Partial<ServerDetails>;
      if (given.name !== undefined) given.name = given.name.trim();
      const next: ServerDetails = { ...state.details, ...given };
      const changed = (Object.keys(next) as (keyof ServerDetails)[]).filter((k) => next[k] !== state.details[k]);
      const credentials = command.credentials && Object.keys(command.credentials).length > 0 ? command.credentials : null;
      if (changed.length === 0 && credentials === null) return [];
      requireValid(next);
      if (credentials) requireCredentials(credentials);
      const changes: Partial<ServerDetails> = {};
      const previous: Partial<ServerDetails> = {};
      for (const k of changed) {
        (changes as Record<string, unknown>)[k] = next[k];
        (previous as Record<string, unknown>)[k] = state.details[k];
      }
      return [{ type: 'MikrotikServerUpdated', data: { serverId, changes, previous, credentials, updatedAt: command.now } }];
    }
    case 'RemoveMikrotikServer':
      return [{ type: 'MikrotikServerRemoved', data: { serverId, name: state.details.name, removedAt: command.now } }];
    case 'RecordConnectionTest':
      return [{ type: 'MikrotikServerConnectionTested', data: { serverId, ...command.test, testedAt: command.now } }];
  }
}

export const mikrotikServerDecider: Decider<MikrotikServerState, MikrotikServerCommand, MikrotikServerEvent> = {
  initialState: initialMikrotikServerState,
  evolve: evolveMikrotikServer,
  decide: decideMikrotikServer,
};

import { deciderSpec } from '../../../test/support/decider-spec';
import { IllegalStateError, NotFoundError, ValidationError } from '../shared/errors';
import { isRouterHost, mikrotikServerDecider, type MikrotikServerCommand } from './decider';
import type { MikrotikServerEvent, ServerDetails } from './events';

const spec = deciderSpec(mikrotikServerDecider);
const now = '2026-03-01T10:00:00.000Z';
const later = '2026-03-02T10:00:00.000Z';

const details: ServerDetails = { name: 'POP Cibubur', host: '10.10.0.1', port: 8728, useTls: false, rosVersion: '7.18' };
const credentials = { usernameSealed: 'v1.sealed-user', passwordSealed: 'v1.sealed-pass' };

const register: MikrotikServerCommand = { type: 'RegisterMikrotikServer', serverId: 3, details, credentials, now };
const registered: MikrotikServerEvent = {
  type: 'MikrotikServerRegistered',
  data: { serverId: 3, ...details, ...credentials, registeredAt: now },
};
const removed: MikrotikServerEvent = { type: 'MikrotikServerRemoved', data: { serverId: 3, name: 'POP Cibubur', removedAt: later } };

const fields = (e: ValidationError) => Object.keys(e.fields).sort();

describe('Mikrotik server decider', () => {
  describe('RegisterMikrotikServer', () => {
    it('registers a server with its sealed login', () => {
      spec.given([]).when(register).then([registered]);
    });

    it('trims the name', () => {
      spec
        .given([])
        .when({ ...register, details: { ...details, name: '  POP Cibubur ' } })
        .then([registered]);
    });

    it('accepts IPv6 addresses and host names, and API-SSL', () => {
      for (const host of ['fe80::1', '2001:db8::10', 'router-1.pop.example.net', 'localhost', '127.0.0.1']) {
        const e = mikrotikServerDecider.decide({ ...register, details: { ...details, host, useTls: true, port: 8729 } }, mikrotikServerDecider.initialState());
        expect(e[0]!.type).toBe('MikrotikServerRegistered');
      }
    });

    it('refuses an empty name, a bad host, a port out of range and an unknown version, naming each field', () => {
      spec
        .given([])
        .when({ ...register, details: { name: ' ', host: '999.1.1.1', port: 70000, useTls: false, rosVersion: 'latest' } })
        .thenThrows(ValidationError, (e) => expect(fields(e)).toEqual(['host_ip', 'name', 'port', 'ros_version']));
    });

    it('refuses an empty login', () => {
      spec
        .given([])
        .when({ ...register, credentials: { usernameSealed: '', passwordSealed: 'x' } })
        .thenThrows(ValidationError, (e) => expect(fields(e)).toEqual(['username']));
    });

    it('refuses to register the same server twice', () => {
      spec.given([registered]).when(register).thenThrows(IllegalStateError);
    });
  });

  describe('UpdateMikrotikServer', () => {
    it('records only what changed, with the previous values', () => {
      spec
        .given([registered])
        .when({ type: 'UpdateMikrotikServer', changes: { host: '10.10.0.2', port: 8728, name: 'POP Cibubur' }, credentials: null, now: later })
        .then([
          {
            type: 'MikrotikServerUpdated',
            data: { serverId: 3, changes: { host: '10.10.0.2' }, previous: { host: '10.10.0.1' }, credentials: null, updatedAt: later },
          },
        ]);
    });

    it('records new sealed credentials without the old ones', () => {
      spec
        .given([registered])
        .when({ type: 'UpdateMikrotikServer', changes: {}, credentials: { passwordSealed: 'v1.new' }, now: later })
        .then([
          { type: 'MikrotikServerUpdated', data: { serverId: 3, changes: {}, previous: {}, credentials: { passwordSealed: 'v1.new' }, updatedAt: later } },
        ]);
    });

    it('changes nothing when nothing differs', () => {
      spec.given([registered]).when({ type: 'UpdateMikrotikServer', changes: { ...details }, credentials: {}, now: later }).thenNothing();
    });

    it('validates the result', () => {
      spec
        .given([registered])
        .when({ type: 'UpdateMikrotikServer', changes: { port: 0 }, credentials: null, now: later })
        .thenThrows(ValidationError, (e) => expect(fields(e)).toEqual(['port']));
    });

    it('the updated state carries the new details and credentials', () => {
      const update: MikrotikServerEvent = {
        type: 'MikrotikServerUpdated',
        data: { serverId: 3, changes: { useTls: true, port: 8729 }, previous: { useTls: false, port: 8728 }, credentials: { usernameSealed: 'v1.u2' }, updatedAt: later },
      };
      const state = [registered, update].reduce(mikrotikServerDecider.evolve, mikrotikServerDecider.initialState());
      expect(state.details).toEqual({ ...details, useTls: true, port: 8729 });
      expect(state.credentials).toEqual({ usernameSealed: 'v1.u2', passwordSealed: 'v1.sealed-pass' });
    });
  });

  describe('RemoveMikrotikServer', () => {
    it('removes a server', () => {
      spec.given([registered]).when({ type: 'RemoveMikrotikServer', now: later }).then([removed]);
    });

    it('a removed or unknown server is not found for anything', () => {
      for (const command of [
        { type: 'RemoveMikrotikServer', now: later },
        { type: 'UpdateMikrotikServer', changes: { name: 'x' }, credentials: null, now: later },
        { type: 'RecordConnectionTest', test: { ok: true, error: null, identity: null, routerVersion: null, latencyMs: 1 }, now: later },
      ] as MikrotikServerCommand[]) {
        spec.given([registered, removed]).when(command).thenThrows(NotFoundError);
        spec.given([]).when(command).thenThrows(NotFoundError);
      }
    });
  });

  describe('RecordConnectionTest', () => {
    it('records the outcome of a connection test, kept as the last test', () => {
      const test = { ok: false, error: 'connection refused by 10.10.0.1:8728', identity: null, routerVersion: null, latencyMs: 3 };
      const event: MikrotikServerEvent = { type: 'MikrotikServerConnectionTested', data: { serverId: 3, ...test, testedAt: later } };
      spec.given([registered]).when({ type: 'RecordConnectionTest', test, now: later }).then([event]);
      const state = [registered, event].reduce(mikrotikServerDecider.evolve, mikrotikServerDecider.initialState());
      expect(state.lastTest).toEqual({ ...test, testedAt: later });
    });
  });

  it('isRouterHost: addresses and names, not digits that are no IPv4 address', () => {
    expect(['10.0.0.1', '::1', 'mikrotik.local', 'a.b-c.example'].map(isRouterHost)).toEqual([true, true, true, true]);
    expect(['999.1.1.1', '192.168.1', 'bad host', '', 'http://x', '-x.com'].map(isRouterHost)).toEqual([false, false, false, false, false, false]);
  });
});

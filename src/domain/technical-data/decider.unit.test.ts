import { deciderSpec } from '../../../test/support/decider-spec';
import { IllegalStateError, NotFoundError, ValidationError } from '../shared/errors';
import { isIPv4, technicalDataDecider } from './decider';
import type { TechnicalDataEvent, TechnicalDetails } from './events';

const spec = deciderSpec(technicalDataDecider);
const now = '2026-03-01T02:00:00.000Z';
const ref = { technicalDataId: 3, customerId: 'c1', pelangganId: 12 };
const details: TechnicalDetails = {
  mikrotikServerId: 1,
  ip: '10.10.1.20',
  vlan: 100,
  pppoeUsername: 'budi-12',
  pppoePasswordSealed: 'v1.sealed',
  ontSerial: 'ALCL12345678',
  odpPort: 'ODP-01/P01',
  oltPort: '1/GP1',
};
const recorded: TechnicalDataEvent = { type: 'TechnicalDataRecorded', data: { ...ref, ...details, recordedAt: now } };

describe('TechnicalData decider', () => {
  it('records a line once', () => {
    spec.given([]).when({ type: 'RecordTechnicalData', ...ref, details, now }).then([recorded]);
    spec.given([recorded]).when({ type: 'RecordTechnicalData', ...ref, details, now }).thenThrows(IllegalStateError);
  });

  it.each([
    [{ ip: '10.0.0.256' }, ['ip_pelanggan']],
    [{ ip: '192.168.01.1' }, ['ip_pelanggan']],
    [{ ip: 'fe80::1' }, ['ip_pelanggan']],
    [{ vlan: 0 }, ['vlan']],
    [{ vlan: 4095 }, ['vlan']],
    [{ vlan: 1.5 }, ['vlan']],
    [{ pppoeUsername: ' ' }, ['username_pppoe']],
  ])('refuses %j', (bad, fields) => {
    spec
      .given([])
      .when({ type: 'RecordTechnicalData', ...ref, details: { ...details, ...bad }, now })
      .thenThrows(ValidationError, (e) => expect(Object.keys(e.fields)).toEqual(fields));
  });

  it('accepts the edges of the VLAN range and no address at all', () => {
    for (const vlan of [1, 4094]) spec.given([]).when({ type: 'RecordTechnicalData', ...ref, details: { ...details, vlan }, now }).then([{ type: 'TechnicalDataRecorded', data: { ...ref, ...details, vlan, recordedAt: now } }]);
    expect(isIPv4('0.0.0.0')).toBe(true);
    expect(isIPv4('1.2.3')).toBe(false);
  });

  it('records only changed fields on update', () => {
    spec
      .given([recorded])
      .when({ type: 'UpdateTechnicalData', changes: { vlan: 200, ip: details.ip }, now })
      .then([{ type: 'TechnicalDataUpdated', data: { ...ref, changes: { vlan: 200 }, updatedAt: now } }]);
    spec.given([recorded]).when({ type: 'UpdateTechnicalData', changes: { vlan: 100 }, now }).thenNothing();
    spec.given([]).when({ type: 'UpdateTechnicalData', changes: { vlan: 100 }, now }).thenThrows(NotFoundError);
  });
});

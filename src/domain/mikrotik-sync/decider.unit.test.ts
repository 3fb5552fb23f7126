import { deciderSpec } from '../../../test/support/decider-spec';
import { ValidationError } from '../shared/errors';
import { pppoeSyncDecider, type PppoeSyncCommand } from './decider';
import type { MikrotikSyncEvent } from './events';

const spec = deciderSpec(pppoeSyncDecider);
const subject = { pelangganId: 12, customerId: 'c-12', mikrotikServerId: 2 };
const now = '2026-03-01T10:00:00.000Z';

const synced: PppoeSyncCommand = {
  type: 'RecordPppoeSynced',
  subject,
  secretName: 'budi12',
  profile: 'suspended',
  disabled: true,
  action: 'updated',
  profileCreated: false,
  activeSessionsRemoved: 1,
  now,
};
const syncedEvent: MikrotikSyncEvent = {
  type: 'PppoeSynced',
  data: { ...subject, secretName: 'budi12', profile: 'suspended', disabled: true, action: 'updated', profileCreated: false, activeSessionsRemoved: 1, syncedAt: now },
};
const failedEvent: MikrotikSyncEvent = { type: 'PppoeSyncFailed', data: { ...subject, reason: 'connection refused by 10.0.0.1:8728' } };

describe('PPPoE sync decider', () => {
  it('records a sync with what was done on the router', () => {
    spec.given([]).when(synced).then([syncedEvent]);
  });

  it('records a failure with exactly pelangganId, customerId, mikrotikServerId and the reason', () => {
    spec.given([syncedEvent]).when({ type: 'RecordPppoeSyncFailed', subject, reason: ' connection refused by 10.0.0.1:8728 ' }).then([failedEvent]);
  });

  it('records every attempt, whatever came before', () => {
    spec.given([failedEvent, failedEvent]).when(synced).then([syncedEvent]);
    const state = [syncedEvent, failedEvent].reduce(pppoeSyncDecider.evolve, pppoeSyncDecider.initialState());
    expect(state).toEqual({ attempts: 2, status: 'failed' });
  });

  it('refuses a failure without a reason and a sync without a user name', () => {
    spec.given([]).when({ type: 'RecordPppoeSyncFailed', subject, reason: ' ' }).thenThrows(ValidationError);
    spec.given([]).when({ ...synced, secretName: '' } as PppoeSyncCommand).thenThrows(ValidationError);
  });
});

import type { Decider } from '../shared/decider';
import { ValidationError } from '../shared/errors';
import type { MikrotikSyncEvent, SyncAction } from './events';

export interface PppoeSyncState {
  attempts: number;
  status: 'never' | 'synced' | 'failed';
}

export interface SyncSubjectRef {
  pelangganId: number;
  customerId: string;
  mikrotikServerId: number;
}

export type PppoeSyncCommand =
  | {
      type: 'RecordPppoeSynced';
      subject: SyncSubjectRef;
      secretName: string;
      profile: string;
      disabled: boolean;
      action: SyncAction;
      profileCreated: boolean;
      activeSessionsRemoved: number;
      now: string;
    }
  | { type: 'RecordPppoeSyncFailed'; subject: SyncSubjectRef; reason: string };

export const initialPppoeSyncState = (): PppoeSyncState => ({ attempts: 0, status: 'never' });

export function evolvePppoeSync(state: PppoeSyncState, event: MikrotikSyncEvent): PppoeSyncState {
  return { attempts: state.attempts + 1, status: event.type === 'PppoeSynced' ? 'synced' : 'failed' };
}

/** Every attempt is recorded, its outcome as it was: nothing the past state could forbid. */
export function decidePppoeSync(command: PppoeSyncCommand, _state: PppoeSyncState): MikrotikSyncEvent[] {
  const { pelangganId, customerId, mikrotikServerId } = command.subject;
  const ref = { pelangganId, customerId, mikrotikServerId };
  if (command.type === 'RecordPppoeSyncFailed') {
    const reason = command.reason.trim();
    if (reason === '') throw new ValidationError({ reason: ['A sync failure needs its reason.'] });
    return [{ type: 'PppoeSyncFailed', data: { ...ref, reason } }];
  }
  if (command.secretName.trim() === '') throw new ValidationError({ secretName: ['The PPPoE user name may not be empty.'] });
  const { secretName, profile, disabled, action, profileCreated, activeSessionsRemoved, now } = command;
  return [{ type: 'PppoeSynced', data: { ...ref, secretName, profile, disabled, action, profileCreated, activeSessionsRemoved, syncedAt: now } }];
}

export const pppoeSyncDecider: Decider<PppoeSyncState, PppoeSyncCommand, MikrotikSyncEvent> = {
  initialState: initialPppoeSyncState,
  evolve: evolvePppoeSync,
  decide: decidePppoeSync,
};

import { createMemoryReadStore, type MemoryReadStore } from '../../adapters/read-store/memory/memory-read-store';
import type { Doc } from '../../ports/read-store';
import type { ProjectedEvent, ProjectorContext } from '../engine/projector';
import { mikrotikSyncProjector as projector } from './projector';
import { mikrotikSyncForPelanggan, pppoeSyncStatusOfCustomer } from './queries';

/** Given PPPoE sync outcomes, then the sync status a customer's technical data shows. */

let position = 0;
const ref = { pelangganId: 12, customerId: 'c-12', mikrotikServerId: 2 };
function ev(type: string, revision: number, data: Record<string, unknown>, at: string): ProjectedEvent {
  position += 10;
  return { id: `e${position}`, type, streamName: 'mikrotik_sync-c-12', revision, position, data: { ...ref, ...data }, metadata: { timestamp: at, schemaVersion: 1, prevHash: '', hash: '' } };
}
const synced = (revision: number, at: string, more: Record<string, unknown> = {}) =>
  ev('PppoeSynced', revision, { secretName: 'budi12', profile: '50M', disabled: false, action: 'created', profileCreated: true, activeSessionsRemoved: 0, syncedAt: at, ...more }, at);
const failed = (revision: number, at: string, reason: string) => ev('PppoeSyncFailed', revision, { reason }, at);

describe('mikrotik sync projector', () => {
  let store: MemoryReadStore;
  let ctx: ProjectorContext;
  const apply = async (...events: ProjectedEvent[]) => {
    for (const e of events) await projector.apply(e, ctx);
  };

  beforeEach(async () => {
    position = 0;
    store = createMemoryReadStore();
    ctx = { collection: <T extends Doc>(name: string) => store.collection<T>(name) };
    for (const [name, indexes] of Object.entries(projector.collections)) await store.collection(name).createIndexes(indexes);
  });

  it('a customer never synced shows status never', async () => {
    expect(await mikrotikSyncForPelanggan(store, 12)).toEqual({
      status: 'never', mikrotik_server_id: null, last_attempt_at: null, last_synced_at: null, last_error: null, pppoe_profile: null, pppoe_disabled: null, attempts: 0,
    });
  });

  it('a first failure shows its reason and no sync yet', async () => {
    await apply(failed(0, '2026-03-01T10:00:00.000Z', 'connection refused by 10.0.0.1:8728'));
    expect(await mikrotikSyncForPelanggan(store, 12)).toEqual({
      status: 'failed', mikrotik_server_id: 2, last_attempt_at: '2026-03-01T10:00:00.000Z', last_synced_at: null, last_error: 'connection refused by 10.0.0.1:8728', pppoe_profile: null, pppoe_disabled: null, attempts: 1,
    });
  });

  it('a success clears the error; a later failure keeps what the last success left on the router', async () => {
    await apply(failed(0, '2026-03-01T10:00:00.000Z', 'timeout'), synced(1, '2026-03-01T11:00:00.000Z'));
    expect(await mikrotikSyncForPelanggan(store, 12)).toEqual(expect.objectContaining({ status: 'synced', last_error: null, last_synced_at: '2026-03-01T11:00:00.000Z', pppoe_profile: '50M', pppoe_disabled: false, attempts: 2 }));
    await apply(failed(2, '2026-03-02T09:00:00.000Z', 'login to 10.0.0.1:8728 refused: invalid user name or password (6)'));
    expect(await mikrotikSyncForPelanggan(store, 12)).toEqual({
      status: 'failed', mikrotik_server_id: 2, last_attempt_at: '2026-03-02T09:00:00.000Z', last_synced_at: '2026-03-01T11:00:00.000Z',
      last_error: 'login to 10.0.0.1:8728 refused: invalid user name or password (6)', pppoe_profile: '50M', pppoe_disabled: false, attempts: 3,
    });
  });

  it('a redelivered event changes nothing', async () => {
    const first = synced(0, '2026-03-01T11:00:00.000Z');
    const later = synced(1, '2026-03-05T11:00:00.000Z', { profile: 'suspended', disabled: true, action: 'updated' });
    await apply(first, later, first);
    expect(await pppoeSyncStatusOfCustomer(store, 'c-12')).toEqual(expect.objectContaining({ profile: 'suspended', disabled: true, attempts: 2, last_synced_at: '2026-03-05T11:00:00.000Z' }));
  });
});

import type { ReadStore } from '../../ports/read-store';
import { MIKROTIK_SERVERS, type MikrotikServerDoc } from './projector';
import { pageWithTotal } from '../engine/page';

/** GET /api/mikrotik_servers/: servers not removed, by id, through the (removed, id) index. */
export async function listMikrotikServers(
  readStore: ReadStore,
  q: { skip: number; limit: number },
): Promise<{ items: MikrotikServerDoc[]; total: number }> {
  const col = readStore.collection<MikrotikServerDoc>(MIKROTIK_SERVERS);
  const filter = { removed: false };
  return pageWithTotal(col, filter, { sort: { id: 1 }, skip: q.skip, limit: q.limit });
}

/** A server that exists and is not removed, or null. */
export async function getMikrotikServer(readStore: ReadStore, id: number): Promise<MikrotikServerDoc | null> {
  const doc = await readStore.collection<MikrotikServerDoc>(MIKROTIK_SERVERS).findOne({ _id: String(id) });
  return doc && !doc.removed ? doc : null;
}

/** Ids of every server not removed (the health probe; a deployment has a handful to a few hundred). */
export async function activeMikrotikServerIds(readStore: ReadStore, max = 1000): Promise<number[]> {
  const docs = await readStore.collection<MikrotikServerDoc>(MIKROTIK_SERVERS).find({ removed: false }, { sort: { id: 1 }, limit: max, projection: { id: 1 } });
  return docs.map((d) => d.id);
}

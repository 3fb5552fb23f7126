import { canonicalJson } from '../ports/hash-chain';
import type { ReadStore } from '../ports/read-store';
import { allProjectors } from '.';
import type { Projector } from './engine/projector';
import { startAppForEveryDocument, writeLogOfEveryDocument } from '../../test/support/every-document';
import type { TestApp } from '../../test/support/test-app';

/** Every document of a projector's collections, by collection, as canonical JSON in _id order. */
async function documentsOf(readStore: ReadStore, p: Projector): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const name of Object.keys(p.collections)) {
    out[name] = (await readStore.collection(name).find({}, { sort: { _id: 1 } })).map((d) => canonicalJson(d));
  }
  return out;
}

/**
 * A rebuilt read model equals the live one, document for document, for every projector: over a
 * log with events of every document written through the APIs, each projector is rebuilt through
 * the rebuild mechanism (new collections beside the live ones, then swapped in, as
 * POST /api/v1/ops/projections/{name}/rebuild does), and the collections after the swap equal
 * the live ones before it, every field of every document.
 */
describe('rebuilding every projector', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startAppForEveryDocument();
    await writeLogOfEveryDocument(t);
  }, 60_000);
  afterAll(async () => {
    await t.stop();
  });

  it('has events in the log for every projector', async () => {
    const without: string[] = [];
    for (const p of allProjectors) if ((await t.eventStore.readAll({ eventTypes: p.handles, maxCount: 1 })).length === 0) without.push(p.name);
    expect(without).toEqual([]);
  });

  it.each(allProjectors.map((p) => [p.name, p] as const))('%s: the rebuild equals the live read model', async (_name, projector) => {
    const live = await documentsOf(t.app.deps.readStore, projector);
    const documents = Object.values(live).reduce((n, docs) => n + docs.length, 0);
    expect(documents).toBeGreaterThan(0);
    const started = t.app.deps.rebuilds.start(projector.name)!;
    const done = await started.done;
    expect([done.state, done.error]).toEqual(['done', null]);
    expect(done.processed).toBeGreaterThan(0);
    const rebuilt = await documentsOf(t.app.deps.readStore, projector);
    expect(rebuilt).toEqual(live);
    // The swap left no rebuild collection behind.
    expect((await t.app.deps.readStore.listCollections()).filter((c) => c.includes('__rebuild_'))).toEqual([]);
  });
});

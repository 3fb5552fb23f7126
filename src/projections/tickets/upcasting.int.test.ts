import { createMemoryEventStore } from '../../adapters/event-store/memory';
import { createMemoryReadStore } from '../../adapters/read-store/memory/memory-read-store';
import { systemEvents } from '../../commands/system-events';
import { createEventRegistry } from '../../domain';
import type { EventStore, RecordedEvent } from '../../ports/event-store';
import { canonicalJson } from '../../ports/hash-chain';
import { silentLogger } from '../../ports/logger';
import type { ReadStore } from '../../ports/read-store';
import { reactorEvents } from '../../reactors';
import { allProjectors } from '..';
import { ProjectionRunner } from '../engine/runner';
import { startTestApp, type TestApp } from '../../../test/support/test-app';
import { auth, createCustomer, createTicket } from '../../../test/support/audit';

const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(200, 7)]);
const registry = createEventRegistry([...systemEvents, ...reactorEvents]);

/** Copies a log event by event (same streams, revisions, ids, metadata), rewriting some on the way. */
async function copyLog(from: readonly RecordedEvent[], rewrite: (e: RecordedEvent) => { data: Record<string, unknown>; schemaVersion: number }): Promise<EventStore> {
  const to = createMemoryEventStore();
  for (const e of from) {
    const { data, schemaVersion } = rewrite(e);
    const { prevHash: _p, hash: _h, ...input } = e.metadata;
    await to.appendToStream(e.streamName, [{ id: e.id, type: e.type, data, metadata: { ...input, schemaVersion } }], {
      expectedRevision: e.revision === 0 ? 'no_stream' : e.revision - 1,
    });
  }
  return to;
}

/** Every projector's documents after replaying a log from position zero. */
async function replay(log: EventStore): Promise<ReadStore> {
  const readStore = createMemoryReadStore();
  const runner = new ProjectionRunner({ eventStore: log, readStore, registry, projectors: allProjectors, logger: silentLogger });
  await runner.start();
  await runner.whenCaughtUp();
  await runner.stop();
  return readStore;
}

async function documents(store: ReadStore): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const p of allProjectors) {
    for (const name of Object.keys(p.collections)) {
      out[name] = (await store.collection(name).find({}, { sort: { _id: 1 } })).map((d) => canonicalJson(d));
    }
  }
  return out;
}

/**
 * Event versioning: TicketAttachmentAdded moved to version 2 (`type` became `fileType`, with an
 * upcaster in src/domain/ticket/events.ts). A log written before the change, with version 1
 * events, replays into the same read models as the log written now, and the commands fold it.
 */
describe('an old log (TicketAttachmentAdded version 1) after the schema change', () => {
  let t: TestApp;
  let ticketId: string;
  let current: RecordedEvent[];

  beforeAll(async () => {
    t = await startTestApp();
    const manager = await t.user('manager');
    const tech = await t.user('technician');
    ticketId = await createTicket(t, manager, await createCustomer(t, manager));
    await t.http.post(`/api/tickets/${ticketId}/assign`).set(auth(manager)).send({ technician_id: tech.userId });
    for (const type of ['photo', 'signature']) {
      const res = await t.http.post('/api/mobile/upload').set(auth(tech)).field('type', type).field('ticket_id', ticketId).attach('file', PNG, `${type}.png`);
      expect(res.status).toBe(201);
    }
    current = await t.eventStore.readAll();
  });
  afterAll(async () => {
    await t.stop();
  });

  it('upcasts version 1 data to the current shape', () => {
    expect(registry.versionOf('TicketAttachmentAdded')).toBe(2);
    const v1 = { ticketId: 't', attachmentId: 'a', fileId: null, filename: 'x.png', url: 'u', type: 'photo', uploadedBy: { userId: 'u', role: 'technician' }, uploadedAt: 'now' };
    const { type: _t, ...rest } = v1;
    expect(registry.upcast('TicketAttachmentAdded', 1, v1)).toEqual({ ...rest, fileType: 'photo' });
    expect(registry.upcast('TicketAttachmentAdded', 2, { ...rest, fileType: 'photo' })).toEqual({ ...rest, fileType: 'photo' });
  });

  it('replays into the same read models, document for document, as the log written now', async () => {
    const attachments = current.filter((e) => e.type === 'TicketAttachmentAdded');
    expect(attachments.map((e) => [e.metadata.schemaVersion, e.data.fileType])).toEqual([
      [2, 'photo'],
      [2, 'signature'],
    ]);
    const asWritten = await copyLog(current, (e) => ({ data: e.data, schemaVersion: e.metadata.schemaVersion }));
    const old = await copyLog(current, (e) => {
      if (e.type !== 'TicketAttachmentAdded') return { data: e.data, schemaVersion: e.metadata.schemaVersion };
      const { fileType, ...rest } = e.data;
      return { data: { ...rest, type: fileType }, schemaVersion: 1 };
    });
    // The old log really holds the old shape.
    const stored = (await old.readStream(`ticket-${ticketId}`)).filter((e) => e.type === 'TicketAttachmentAdded');
    expect(stored.map((e) => [e.metadata.schemaVersion, e.data.type, 'fileType' in e.data])).toEqual([
      [1, 'photo', false],
      [1, 'signature', false],
    ]);

    const fromCurrent = await documents(await replay(asWritten));
    const fromOld = await documents(await replay(old));
    expect(Object.keys(fromOld).length).toBeGreaterThan(20);
    expect(fromOld).toEqual(fromCurrent);
    const ticket = JSON.parse(fromOld.tickets!.find((d) => d.includes(ticketId))!) as { attachments: Array<{ type: string; filename: string }> };
    expect(ticket.attachments.map((a) => [a.filename, a.type])).toEqual([
      ['photo.png', 'photo'],
      ['signature.png', 'signature'],
    ]);
  });

  it('is folded by the commands and the audit state: the application runs on the old log', async () => {
    const old = await copyLog(current, (e) => {
      if (e.type !== 'TicketAttachmentAdded') return { data: e.data, schemaVersion: e.metadata.schemaVersion };
      const { fileType, ...rest } = e.data;
      return { data: { ...rest, type: fileType }, schemaVersion: 1 };
    });
    const onOld = await startTestApp({}, { eventStore: old });
    try {
      const manager = await onOld.user('manager');
      const auditor = await onOld.user('auditor');
      const detail = await onOld.http.get(`/api/tickets/${ticketId}`).set(auth(manager));
      expect(detail.body.data.ticket.attachments.map((a: { type: string }) => a.type)).toEqual(['photo', 'signature']);
      const comment = await onOld.http.post(`/api/tickets/${ticketId}/comments`).set(auth(manager)).send({ comment: 'After the migration' });
      expect(comment.status).toBe(201);
      const state = await onOld.http.get(`/api/v1/audit/streams/ticket-${ticketId}/state`).set(auth(auditor));
      expect(state.body.data).toMatchObject({ revision: 4, state: { status: 'assigned' } });
    } finally {
      await onOld.stop();
    }
  });
});

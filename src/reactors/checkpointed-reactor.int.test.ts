import { z } from 'zod';
import { createMemoryEventStore } from '../adapters/event-store/memory';
import { systemMeta, toNewEvents, type CommandDeps } from '../commands/context';
import { defineEvent, EventRegistry } from '../domain/shared/events';
import { silentLogger } from '../ports/logger';
import type { ProjectedEvent } from '../projections/engine/projector';
import { ManualClock } from '../../test/support/clock';
import { CheckpointedReactor, reactorCheckpointStream, reactorEvents, type ReactorHandler } from './checkpointed-reactor';

/** The reactor machinery on the in-memory event store, with a recording handler. */

const Pinged = defineEvent('Pinged', z.object({ n: z.number() }));
const Other = defineEvent('Other', z.object({ n: z.number() }));

let deps: CommandDeps;
let seq = 0;
const reactors: CheckpointedReactor[] = [];

beforeEach(() => {
  seq = 0;
  deps = {
    eventStore: createMemoryEventStore(),
    registry: new EventRegistry([Pinged, Other, ...reactorEvents]),
    clock: new ManualClock(),
    ids: { uuid: () => `00000000-0000-4000-8000-${String(++seq).padStart(12, '0')}` },
  };
});
afterEach(async () => {
  for (const r of reactors.splice(0)) await r.stop();
});

const append = async (type: 'Pinged' | 'Other', n: number) =>
  (await deps.eventStore.appendToStream(`thing-${n}`, toNewEvents(deps, systemMeta(deps.ids, 'test'), [{ type, data: { n } }]))).position;

function recorder(options: { failOn?: Set<number> } = {}) {
  const seen: number[] = [];
  const handler: ReactorHandler = {
    name: 'recorder',
    eventTypes: ['Pinged'],
    async handle(e: ProjectedEvent) {
      const n = Number(e.data.n);
      if (options.failOn?.has(n)) {
        options.failOn.delete(n);
        throw new Error(`failing on ${n} once`);
      }
      seen.push(n);
    },
  };
  return { seen, handler };
}

const reactor = (handler: ReactorHandler, more: Partial<ConstructorParameters<typeof CheckpointedReactor>[0]> = {}) => {
  const r = new CheckpointedReactor({ deps, handler, logger: silentLogger, resubscribeDelayMs: () => 5, ...more });
  reactors.push(r);
  return r;
};

it('handles the events of its types in log order, storing its checkpoint after each', async () => {
  await append('Pinged', 1);
  await append('Other', 2);
  const last = await append('Pinged', 3);
  const { seen, handler } = recorder();
  const r = reactor(handler);
  await r.start();
  await r.reached(last);
  const live = await append('Pinged', 4);
  await r.reached(live);
  expect(seen).toEqual([1, 3, 4]);
  const checkpoints = await deps.eventStore.readStream(reactorCheckpointStream('recorder'));
  expect(checkpoints.map((c) => c.data)).toEqual([
    { reactor: 'recorder', position: 1 },
    { reactor: 'recorder', position: 3 },
    { reactor: 'recorder', position: live },
  ]);
});

it('resumes after a restart from its stored checkpoint: nothing handled twice, nothing missed', async () => {
  const first = recorder();
  const r1 = reactor(first.handler);
  await r1.start();
  await r1.reached(await append('Pinged', 1));
  await r1.stop();
  const whileDown = await append('Pinged', 2);
  const second = recorder();
  const r2 = reactor(second.handler);
  await r2.start();
  await r2.reached(whileDown);
  expect([first.seen, second.seen]).toEqual([[1], [2]]);
});

it('a handler that fails is retried from the checkpoint, the events after it waiting', async () => {
  const { seen, handler } = recorder({ failOn: new Set([2]) });
  const r = reactor(handler);
  await r.start();
  await append('Pinged', 1);
  await append('Pinged', 2);
  await r.reached(await append('Pinged', 3));
  expect(seen).toEqual([1, 2, 3]);
});

it('handles nothing while another instance leads, and catches up once it leads', async () => {
  let leader = false;
  const { seen, handler } = recorder();
  const r = reactor(handler, { isLeader: () => leader });
  await r.start();
  const p = await append('Pinged', 1);
  await new Promise((resolve) => setTimeout(resolve, 30));
  expect(seen).toEqual([]);
  leader = true;
  await r.reached(p);
  expect(seen).toEqual([1]);
});

it('waits for the read models to include an event before handling it', async () => {
  let readModels = 0;
  const waits: number[] = [];
  const { seen, handler } = recorder();
  const r = reactor(handler, {
    sync: {
      waitFor: async (position) => {
        waits.push(position);
        return position <= readModels;
      },
    },
  });
  await r.start();
  const p = await append('Pinged', 1);
  await new Promise((resolve) => setTimeout(resolve, 30));
  expect(seen).toEqual([]);
  readModels = p;
  await r.reached(p);
  expect(seen).toEqual([1]);
  expect(waits.every((w) => w === p)).toBe(true);
});

it('two instances of one reactor: the checkpoint stream keeps the furthest position', async () => {
  const a = recorder();
  const b = recorder();
  const ra = reactor(a.handler);
  const rb = reactor(b.handler);
  await Promise.all([ra.start(), rb.start()]);
  const p1 = await append('Pinged', 1);
  const p2 = await append('Pinged', 2);
  await Promise.all([ra.reached(p2), rb.reached(p2)]);
  // Both may handle an event (at least once); neither loses one, and the stored checkpoint is the head.
  expect(new Set([...a.seen, ...b.seen])).toEqual(new Set([1, 2]));
  const [last] = await deps.eventStore.readStream(reactorCheckpointStream('recorder'), { direction: 'backwards', maxCount: 1 });
  expect(last!.data.position).toBe(p2);
  expect(p1).toBeLessThan(p2);
});

import type { RecordedEvent, SubscriptionHandler } from '../../ports/event-store';
import { FILTERED_SCAN_WINDOW, LocalSubscription, type LocalLog } from './local-subscription';

/** A log of plain events at positions 1..n, read the way the local stores read theirs. */
class FakeLog implements LocalLog {
  readonly events: RecordedEvent[] = [];
  reads = 0;

  add(type: string, count = 1): void {
    for (let i = 0; i < count; i++) {
      const position = this.events.length + 1;
      this.events.push({
        id: `e${position}`,
        streamName: 's',
        type,
        revision: position - 1,
        position,
        data: {},
        metadata: { timestamp: '2024-01-01T00:00:00.000Z', schemaVersion: 1, prevHash: '', hash: '' },
      });
    }
  }

  readRange(after: number, upTo: number, maxCount: number, eventTypes: readonly string[] | undefined): RecordedEvent[] {
    this.reads++;
    return this.events
      .slice(after, upTo)
      .filter((e) => !eventTypes || eventTypes.includes(e.type))
      .slice(0, maxCount);
  }

  headPosition(): number {
    return this.events.length;
  }
}

async function waitFor(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

function start(log: FakeLog, options: ConstructorParameters<typeof LocalSubscription>[1], handler: SubscriptionHandler) {
  const finished: LocalSubscription[] = [];
  const subscription = new LocalSubscription(log, options, handler, (s) => finished.push(s));
  return { subscription, finished };
}

describe('LocalSubscription', () => {
  it('reports checkpoints every scan window while a filtered subscriber reads through other events', async () => {
    const log = new FakeLog();
    log.add('Wanted');
    log.add('Other', 2 * FILTERED_SCAN_WINDOW + 500);
    const checkpoints: number[] = [];
    const delivered: number[] = [];
    let caughtUp: number | undefined;
    const { subscription } = start(
      log,
      { eventTypes: ['Wanted'] },
      {
        onEvents: (events) => void delivered.push(...events.map((e) => e.position)),
        onCheckpoint: (position) => void checkpoints.push(position),
        onCaughtUp: (position) => (caughtUp = position),
      },
    );
    await waitFor(() => caughtUp !== undefined);
    await subscription.stop();
    expect(delivered).toEqual([1]);
    expect(checkpoints).toEqual([FILTERED_SCAN_WINDOW, 2 * FILTERED_SCAN_WINDOW, log.headPosition()]);
    expect(caughtUp).toBe(log.headPosition());
  });

  it('delivers nothing before subscribeToAll returns, and reports caught up on an empty log', async () => {
    const log = new FakeLog();
    const calls: string[] = [];
    const { subscription } = start(log, {}, { onEvents: () => void calls.push('events'), onCaughtUp: (p) => void calls.push(`caught-up ${p}`) });
    expect(log.reads).toBe(0);
    await waitFor(() => calls.length > 0);
    expect(calls).toEqual(['caught-up 0']);
    await subscription.stop();
  });

  it('sleeps while live and reads only after notify()', async () => {
    const log = new FakeLog();
    const delivered: string[] = [];
    let caughtUp = false;
    const { subscription, finished } = start(log, {}, { onEvents: (e) => void delivered.push(...e.map((x) => x.id)), onCaughtUp: () => (caughtUp = true) });
    await waitFor(() => caughtUp);
    log.add('A', 3);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(delivered).toEqual([]);
    subscription.notify();
    await waitFor(() => delivered.length === 3);
    expect(delivered).toEqual(['e1', 'e2', 'e3']);
    await subscription.stop();
    expect(finished).toEqual([subscription]);
  });

  it('halt() stops without waiting for the handler in flight; stop() waits for it', async () => {
    const log = new FakeLog();
    log.add('A', 2);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let calls = 0;
    const { subscription, finished } = start(
      log,
      { batchSize: 1 },
      {
        async onEvents() {
          calls++;
          await gate;
        },
      },
    );
    await waitFor(() => calls === 1);
    subscription.halt();
    expect(finished).toEqual([]);
    release();
    await subscription.stop();
    expect(finished).toEqual([subscription]);
    expect(calls).toBe(1);
  });

  it('reports a failing read through onError', async () => {
    const log = new FakeLog();
    log.add('A');
    log.readRange = () => {
      throw new Error('disk gone');
    };
    const errors: Error[] = [];
    const { finished } = start(log, {}, { onEvents: () => undefined, onError: (e) => void errors.push(e) });
    await waitFor(() => finished.length === 1);
    expect(errors.map((e) => e.message)).toEqual(['disk gone']);
  });

  it('rejects a batch size that is not a positive integer', () => {
    expect(() => start(new FakeLog(), { batchSize: 0 }, { onEvents: () => undefined })).toThrow(RangeError);
    expect(() => start(new FakeLog(), { batchSize: 1.5 }, { onEvents: () => undefined })).toThrow(RangeError);
  });
});

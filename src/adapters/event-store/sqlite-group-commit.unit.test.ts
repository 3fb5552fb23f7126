import type { NewEvent } from '../../ports/event-store';
import { hashedMetadata } from '../../ports/hash-chain';
import { chainEvent } from './local-record';
import { chainWireEvent } from './sqlite-group-commit';

/** The writer thread chains events from the JSON the main thread made; it must store exactly what chainEvent would. */

const events: NewEvent[] = [
  {
    id: 'e-1',
    type: 'Opened',
    data: { n: 1, nested: { b: [1, 'two', null], a: true } },
    metadata: { timestamp: '2024-05-01T10:00:00.000Z', schemaVersion: 1 },
  },
  {
    id: 'e-2',
    type: 'Charged',
    data: { at: new Date('2024-05-01T10:00:00Z'), gone: undefined, list: [undefined, 2], text: 'é \u2028 "quoted"', big: 1e21, negZero: -0 },
    metadata: {
      actor: { userId: 'u-1', role: 'admin' },
      requestId: 'r-1',
      correlationId: 'c-1',
      causationId: 'x-1',
      timestamp: '2024-05-01T10:00:00.000Z',
      schemaVersion: 3,
    },
  },
  {
    id: 'e-3',
    type: 'Noted',
    data: {},
    metadata: { actor: null, requestId: undefined, timestamp: '2024-05-01T10:00:01.000Z', schemaVersion: 1 },
  },
];

describe('chainWireEvent', () => {
  it.each(events.map((event, i) => [event.type, event, i] as const))('stores %s exactly as chainEvent does', (_type, event, i) => {
    const prevHash = i === 0 ? '' : 'a'.repeat(64);
    const wire = {
      id: event.id,
      type: event.type,
      dataJson: JSON.stringify(event.data),
      metadataJson: JSON.stringify(hashedMetadata(event.metadata)),
    };
    const expected = chainEvent('stream-1', i, prevHash, event);
    const chained = chainWireEvent('stream-1', i, prevHash, wire);
    expect(chained.hash).toBe(expected.metadata.hash);
    expect(chained.metadataJson).toBe(expected.metadataJson);
    expect(wire.dataJson).toBe(expected.dataJson);
  });
});

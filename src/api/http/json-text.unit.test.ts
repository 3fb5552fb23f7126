import { JsonText, PresentedTexts, jsonWithTexts } from './json-text';

describe('jsonWithTexts', () => {
  it.each([
    ['an object with left-out members', { a: 1, b: undefined, c: () => 1, d: Symbol('s'), e: null, 'f"g': 'h\n"i' }],
    ['arrays with holes JSON writes as null', [1, undefined, () => 1, Symbol('s'), 'x', [[]], {}]],
    ['dates and other toJSON values', { at: new Date(Date.UTC(2026, 11, 7)), n: { toJSON: () => 'made' } }],
    ['nested values', { data: { tickets: [{ id: 't-1', location: { lat: -6.2 } }], pagination: { total: 3, page: 1 } } }],
    ['plain values', 'text'],
  ])('writes %s as JSON.stringify does', (_, value) => {
    expect(jsonWithTexts(value)).toBe(JSON.stringify(value));
  });

  it('writes made texts as they are, where they stand', () => {
    const items = [new JsonText('{"id":"a"}'), new JsonText('{"id":"b"}')];
    const text = jsonWithTexts({ success: true, data: { tickets: items, pagination: { total: 2 } } });
    expect(text).toBe('{"success":true,"data":{"tickets":[{"id":"a"},{"id":"b"}],"pagination":{"total":2}}}');
    expect(JSON.parse(text)).toEqual({ success: true, data: { tickets: [{ id: 'a' }, { id: 'b' }], pagination: { total: 2 } } });
  });
});

describe('PresentedTexts', () => {
  interface Doc {
    id: string;
    customerId: string;
  }
  type Customers = Map<string, { name: string }>;
  /** A list item showing its customer's name, counting the presentations. */
  const counted = () => {
    const calls: string[] = [];
    const texts = new PresentedTexts(
      (doc: Doc, customers: Customers) => {
        calls.push(doc.id);
        return { id: doc.id, customer: customers.get(doc.customerId)?.name ?? null };
      },
      (doc, customers) => [customers.get(doc.customerId)],
    );
    return { calls, texts };
  };
  const doc = (id: string): Doc => Object.freeze({ id, customerId: 'c-1' });
  const customers = (name: string, frozen = true): Customers => new Map([['c-1', frozen ? Object.freeze({ name }) : { name }]]);

  it('presents a frozen document once while it and what it shows are the same objects', () => {
    const { calls, texts } = counted();
    const [a, b] = [doc('t-1'), doc('t-2')];
    const budi = customers('Budi');
    const first = texts.page([a, b], budi);
    const again = texts.page([b, a], budi);
    expect(again).toEqual([first[1], first[0]]);
    expect(again[1]).toBe(first[0]);
    expect(first.map((t) => t.text)).toEqual(['{"id":"t-1","customer":"Budi"}', '{"id":"t-2","customer":"Budi"}']);
    expect(calls).toEqual(['t-1', 't-2']);
  });

  it('presents again when a shown object is another one, and remembers the new text', () => {
    const { calls, texts } = counted();
    const a = doc('t-1');
    texts.page([a], customers('Budi'));
    const renamed = customers('Budi Santoso');
    expect(texts.textOf(a, renamed).text).toBe('{"id":"t-1","customer":"Budi Santoso"}');
    expect(texts.textOf(a, renamed).text).toBe('{"id":"t-1","customer":"Budi Santoso"}');
    expect(texts.textOf(a, new Map()).text).toBe('{"id":"t-1","customer":null}');
    expect(calls).toEqual(['t-1', 't-1', 't-1']);
  });

  it('remembers nothing of a document or a shown object that is not frozen (a copy may change)', () => {
    const { calls, texts } = counted();
    const copy: Doc = { id: 't-2', customerId: 'c-1' };
    const budi = customers('Budi');
    texts.page([copy, copy], budi);
    const unfrozen = customers('Ani', false);
    texts.page([doc('t-3')], unfrozen);
    const a = doc('t-4');
    texts.page([a, a], unfrozen);
    expect(calls).toEqual(['t-2', 't-2', 't-3', 't-4', 't-4']);
  });

  it('presents a document shown by nothing else once, with no context', () => {
    let calls = 0;
    const texts = new PresentedTexts((d: Doc) => {
      calls++;
      return { id: d.id };
    });
    const a = doc('t-5');
    expect(texts.page([a, a]).map((t) => t.text)).toEqual(['{"id":"t-5"}', '{"id":"t-5"}']);
    expect(calls).toBe(1);
  });
});

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
  const counted = () => {
    const calls: string[] = [];
    const present = (doc: { id: string }, name: string) => () => {
      calls.push(doc.id);
      return { id: doc.id, customer: name };
    };
    return { calls, present };
  };

  it('presents a frozen document once while it and what it shows are the same objects', () => {
    const texts = new PresentedTexts<{ id: string }>();
    const { calls, present } = counted();
    const doc = Object.freeze({ id: 't-1' });
    const customer = Object.freeze({ name: 'Budi' });
    const first = texts.textOf(doc, [customer, null], present(doc, 'Budi'));
    const again = texts.textOf(doc, [customer, null], present(doc, 'Budi'));
    expect(again).toBe(first);
    expect(first.text).toBe('{"id":"t-1","customer":"Budi"}');
    expect(calls).toEqual(['t-1']);
  });

  it('presents again when a shown object is another one, and remembers the new text', () => {
    const texts = new PresentedTexts<{ id: string }>();
    const { calls, present } = counted();
    const doc = Object.freeze({ id: 't-1' });
    texts.textOf(doc, [Object.freeze({ name: 'Budi' })], present(doc, 'Budi'));
    const renamed = Object.freeze({ name: 'Budi Santoso' });
    expect(texts.textOf(doc, [renamed], present(doc, 'Budi Santoso')).text).toBe('{"id":"t-1","customer":"Budi Santoso"}');
    expect(texts.textOf(doc, [renamed], present(doc, 'Budi Santoso')).text).toBe('{"id":"t-1","customer":"Budi Santoso"}');
    expect(texts.textOf(doc, [renamed, undefined], present(doc, 'Budi Santoso')).text).toBe('{"id":"t-1","customer":"Budi Santoso"}');
    expect(calls).toEqual(['t-1', 't-1', 't-1']);
  });

  it('remembers nothing of a document or a shown object that is not frozen (a copy may change)', () => {
    const texts = new PresentedTexts<{ id: string }>();
    const { calls, present } = counted();
    const copy = { id: 't-2' };
    texts.textOf(copy, [], present(copy, 'Ani'));
    texts.textOf(copy, [], present(copy, 'Ani'));
    const doc = Object.freeze({ id: 't-3' });
    const party = { name: 'Ani' };
    texts.textOf(doc, [party], present(doc, 'Ani'));
    texts.textOf(doc, [party], present(doc, 'Ani'));
    expect(calls).toEqual(['t-2', 't-2', 't-3', 't-3']);
  });
});

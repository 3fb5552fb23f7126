import { derivedUuid } from './derived-id';

describe('derivedUuid', () => {
  it('gives the ids it always gave: name-based SHA-1 of "<event id>/<label>", version 5 and RFC variant bits set', () => {
    // Computed with the createHash version this replaced: a changed derivation would change the
    // ids clients already hold.
    expect(derivedUuid('0193a5b2-1c2d-7e3f-8a9b-0c1d2e3f4a5b', 'history-0')).toBe('459108a1-81b9-554f-849b-066ea63d5117');
    expect(derivedUuid('event-1', 3)).toBe('27654aaa-1eee-5628-906f-2f281527d418');
  });

  it('is a well-formed version 5 UUID, different per label', () => {
    const ids = Array.from({ length: 50 }, (_, i) => derivedUuid('e', `history-${i}`));
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(new Set(ids).size).toBe(50);
  });
});

import { z } from 'zod';
import { createUuidV7Generator } from './uuid-v7';

describe('UUID version 7 ids', () => {
  it('are RFC 9562 version 7 UUIDs carrying the time, accepted as UUIDs', () => {
    const id = createUuidV7Generator(() => Date.UTC(2026, 11, 6, 15, 30)).uuid();
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(parseInt(id.replace(/-/g, '').slice(0, 12), 16)).toBe(Date.UTC(2026, 11, 6, 15, 30));
    expect(z.uuid().safeParse(id).success).toBe(true);
  });

  it('sort by the millisecond they were made in, and never repeat', () => {
    let ms = 1_700_000_000_000;
    const ids = createUuidV7Generator(() => ms);
    const made: string[] = [];
    for (let i = 0; i < 20_000; i++) {
      if (i % 1000 === 0) ms += 1;
      made.push(ids.uuid());
    }
    expect(new Set(made).size).toBe(made.length);
    const millis = made.map((id) => id.slice(0, 13));
    expect([...made].sort().map((id) => id.slice(0, 13))).toEqual(millis);
  });
});

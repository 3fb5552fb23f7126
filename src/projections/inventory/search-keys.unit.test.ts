import { PREFIX_LENGTH, searchKeyFilter, searchKeys, searchWords } from './search-keys';

describe('inventory search keys', () => {
  it('keeps words, words joined and codes whole, each with its short prefixes', () => {
    const keys = searchKeys(['Dell', 'Latitude 5420'], ['J5KFG73', 'COMP/LAP/0725/098']);
    for (const k of ['d', 'de', 'del', 'dell', 'l', 'lati', 'latitude', '5420', 'latitude5420', 'j5kf', 'j5kfg73', 'comp', 'complap0725098']) expect(keys).toContain(k);
    expect(keys).not.toContain('latit');
    expect(keys.every((k, i) => i === 0 || keys[i - 1]! < k)).toBe(true);
    expect(searchKeys(['Ébène Café'])).toContain('ebene');
  });

  it('reads a search without spaces as one word, with spaces as words, longest first', () => {
    expect(searchWords('COMP/LAP/0725')).toEqual(['complap0725']);
    expect(searchWords('  latitude 54 ')).toEqual(['latitude', '54']);
    expect(searchWords('—')).toEqual([]);
  });

  it('asks for equality on the longest word cut to the prefix length, regexes for long words', () => {
    expect(searchKeyFilter('dell')).toEqual({ search_keys: 'dell' });
    expect(searchKeyFilter('latitude')).toEqual({ $and: [{ search_keys: 'latitude'.slice(0, PREFIX_LENGTH) }, { search_keys: { $regex: '^latitude' } }] });
    expect(searchKeyFilter('dell 54')).toEqual({ $and: [{ search_keys: 'dell' }, { search_keys: '54' }] });
    expect(searchKeyFilter('...')).toBeNull();
  });
});

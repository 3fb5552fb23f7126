import { searchKeyFilter, searchKeys, searchWords } from './search-keys';

describe('inventory search keys', () => {
  it('keeps words, words joined and codes whole, each with its short prefixes', () => {
    const keys = searchKeys(['Dell', 'Latitude 5420'], ['J5KFG73', 'COMP/LAP/0725/098']);
    for (const k of ['d', 'de', 'del', 'dell', 'l', 'lati', 'latitu', 'latitude', '5420', 'latitude5420', 'j5kf', 'j5kfg7', 'j5kfg73', 'comp', 'compla', 'complap0', 'complap07250', 'complap0725098']) expect(keys).toContain(k);
    expect(keys).not.toContain('latit');
    expect(keys).not.toContain('latitud');
    expect(keys.every((k, i) => i === 0 || keys[i - 1]! < k)).toBe(true);
    expect(searchKeys(['Ébène Café'])).toContain('ebene');
  });

  it('reads a search without spaces as one word, with spaces as words, longest first', () => {
    expect(searchWords('COMP/LAP/0725')).toEqual(['complap0725']);
    expect(searchWords('  latitude 54 ')).toEqual(['latitude', '54']);
    expect(searchWords('—')).toEqual([]);
  });

  it('asks for equality on the longest prefix a word is kept by, with a regex for the rest of the word', () => {
    expect(searchKeyFilter('dell')).toEqual({ search_keys: 'dell' });
    expect(searchKeyFilter('latitude')).toEqual({ search_keys: 'latitude' });
    expect(searchKeyFilter('latit')).toEqual({ $and: [{ search_keys: 'lati' }, { search_keys: { $regex: '^latit' } }] });
    expect(searchKeyFilter('SN-0005000')).toEqual({ $and: [{ search_keys: 'sn000500' }, { search_keys: { $regex: '^sn0005000' } }] });
    expect(searchKeyFilter('dell 54')).toEqual({ $and: [{ search_keys: 'dell' }, { search_keys: '54' }] });
    expect(searchKeyFilter('...')).toBeNull();
  });
});

import { attributeWords, commandWords, parseReply, queryWords } from './sentences';

describe('RouterOS sentences', () => {
  it('parses each reply word, with its tag and attributes (values may be empty or hold =)', () => {
    expect(parseReply(['!re', '=.id=*1A', '=name=pel-1', '=comment=', '=rate-limit=a=b', '.tag=7'])).toEqual({
      type: 're',
      tag: '7',
      attributes: { '.id': '*1A', name: 'pel-1', comment: '', 'rate-limit': 'a=b' },
      words: [],
    });
    expect(parseReply(['!done', '=ret=*2B', '.tag=8'])).toEqual({ type: 'done', tag: '8', attributes: { ret: '*2B' }, words: [] });
    expect(parseReply(['!trap', '=category=1', '=message=failure: already have such name', '.tag=9'])!.attributes).toEqual({
      category: '1',
      message: 'failure: already have such name',
    });
    expect(parseReply(['!empty', '.tag=10'])).toEqual({ type: 'empty', tag: '10', attributes: {}, words: [] });
    expect(parseReply(['!done'])!.tag).toBeNull();
  });

  it('keeps the reason of a !fatal, a bare word', () => {
    expect(parseReply(['!fatal', 'session terminated on request'])).toEqual({ type: 'fatal', tag: null, attributes: {}, words: ['session terminated on request'] });
  });

  it('does not know other reply words (the client ignores them)', () => {
    expect(parseReply(['!future', '=x=1'])).toBeNull();
    expect(parseReply(['/not/a/reply'])).toBeNull();
    expect(parseReply([])).toBeNull();
  });

  it('writes commands as command word, attributes, queries, then the tag; booleans as yes/no; undefined left out', () => {
    expect(commandWords('/ppp/secret/add', { attributes: { name: 'p', disabled: true, 'remote-address': undefined, comment: '' }, tag: '3' })).toEqual([
      '/ppp/secret/add',
      '=name=p',
      '=disabled=yes',
      '=comment=',
      '.tag=3',
    ]);
    expect(commandWords('/ppp/active/print', { query: { name: 'pel-1' } })).toEqual(['/ppp/active/print', '?name=pel-1']);
    expect(attributeWords({ '.id': '*1', disabled: false, port: 8728 })).toEqual(['=.id=*1', '=disabled=no', '=port=8728']);
    expect(queryWords({ name: 'a', service: 'pppoe' })).toEqual(['?name=a', '?service=pppoe']);
    expect(() => commandWords('ppp/secret/print')).toThrow(/starts with '\/'/);
  });
});

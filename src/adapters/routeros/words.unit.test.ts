import fc from 'fast-check';
import { decodeLength, encodeLength, encodeSentence, encodeWord, lengthSize, MAX_WORD_LENGTH, RouterOsProtocolError, SentenceDecoder } from './words';

const hex = (b: Buffer) => b.toString('hex');

/** Every boundary of the 1–5 byte encoding, with the bytes the protocol prescribes. */
const BOUNDARIES: Array<[number, string]> = [
  [0, '00'],
  [1, '01'],
  [0x7f, '7f'],
  [0x80, '8080'],
  [0x81, '8081'],
  [0xff, '80ff'],
  [0x100, '8100'],
  [0x3ffe, 'bffe'],
  [0x3fff, 'bfff'],
  [0x4000, 'c04000'],
  [0x4001, 'c04001'],
  [0x1ffffe, 'dffffe'],
  [0x1fffff, 'dfffff'],
  [0x200000, 'e0200000'],
  [0x200001, 'e0200001'],
  [0xffffffe, 'effffffe'],
  [0xfffffff, 'efffffff'],
  [0x10000000, 'f010000000'],
  [0x10000001, 'f010000001'],
  [0x7fffffff, 'f07fffffff'],
  [0xffffffff, 'f0ffffffff'],
];

describe('RouterOS word lengths', () => {
  it.each(BOUNDARIES)('encodes %i as %s and decodes it back', (length, bytes) => {
    const encoded = encodeLength(length);
    expect(hex(encoded)).toBe(bytes);
    expect(lengthSize(encoded[0]!)).toBe(encoded.length);
    expect(decodeLength(encoded)).toBe(length);
  });

  it('uses 1, 2, 3, 4 and 5 bytes exactly up to 0x7F, 0x3FFF, 0x1FFFFF, 0xFFFFFFF and beyond', () => {
    const sizes = (n: number) => encodeLength(n).length;
    expect([0x7f, 0x80, 0x3fff, 0x4000, 0x1fffff, 0x200000, 0xfffffff, 0x10000000].map(sizes)).toEqual([1, 2, 2, 3, 3, 4, 4, 5]);
  });

  it('round-trips any length, and the size is the smallest that fits', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: MAX_WORD_LENGTH }), (n) => {
        const e = encodeLength(n);
        const expected = n < 0x80 ? 1 : n < 0x4000 ? 2 : n < 0x200000 ? 3 : n < 0x10000000 ? 4 : 5;
        return decodeLength(e) === n && e.length === expected;
      }),
      { numRuns: 5000 },
    );
  });

  it('refuses lengths it cannot encode', () => {
    for (const bad of [-1, 0.5, MAX_WORD_LENGTH + 1, Number.NaN]) expect(() => encodeLength(bad)).toThrow(RouterOsProtocolError);
  });

  it('reads the size of a length off its first byte, and refuses control bytes', () => {
    expect([0x00, 0x7f, 0x80, 0xbf, 0xc0, 0xdf, 0xe0, 0xef, 0xf0].map(lengthSize)).toEqual([1, 1, 2, 2, 3, 3, 4, 4, 5]);
    for (const control of [0xf8, 0xf9, 0xfe, 0xff]) expect(() => lengthSize(control)).toThrow(/reserved control byte/);
    for (const unused of [0xf1, 0xf4, 0xf7]) expect(() => lengthSize(unused)).toThrow(/invalid length prefix/);
  });

  it('decodes a length written in more bytes than needed (the value is what counts)', () => {
    expect(decodeLength(Buffer.from('8005', 'hex'))).toBe(5);
    expect(decodeLength(Buffer.from('c00080', 'hex'))).toBe(0x80);
    expect(decodeLength(Buffer.from('f000000001', 'hex'))).toBe(1);
  });

  it('refuses a length whose byte count does not match its first byte', () => {
    expect(() => decodeLength(Buffer.from('80', 'hex'))).toThrow(RouterOsProtocolError);
    expect(() => decodeLength(Buffer.from('7f00', 'hex'))).toThrow(RouterOsProtocolError);
  });
});

describe('RouterOS words and sentences', () => {
  it('counts a word’s length in bytes, not characters', () => {
    expect(hex(encodeWord('!done'))).toBe(`05${Buffer.from('!done').toString('hex')}`);
    const word = '=comment=Pak Budi ü'; // ü is two bytes
    expect(encodeWord(word)[0]).toBe(Buffer.byteLength(word));
    expect(encodeWord(word)[0]).toBe(word.length + 1);
  });

  it('ends a sentence with the zero-length word, and refuses empty sentences and words', () => {
    const s = encodeSentence(['/login', '=name=admin']);
    expect(hex(s)).toBe(`06${Buffer.from('/login').toString('hex')}0b${Buffer.from('=name=admin').toString('hex')}00`);
    expect(() => encodeSentence([])).toThrow(RouterOsProtocolError);
    expect(() => encodeSentence(['/login', ''])).toThrow(/empty word/);
  });

  it.each([0x7f, 0x80, 0x3fff, 0x4000, 0x1fffff, 0x200000])('carries a word of %i bytes whole, with the right length prefix', (n) => {
    const word = `=comment=${'x'.repeat(n - 9)}`;
    const wire = encodeSentence(['!re', word]);
    const prefix = encodeLength(n);
    expect(wire.subarray(4, 4 + prefix.length)).toEqual(prefix);
    const decoder = new SentenceDecoder();
    expect(decoder.push(wire)).toEqual([['!re', word]]);
    expect(decoder.midSentence).toBe(false);
  });
});

describe('SentenceDecoder', () => {
  const sentences = [['!re', '=name=pel-001', '=profile=paket-50M', '.tag=3'], ['!empty', '.tag=4'], ['!done', '.tag=3'], ['!done', '=ret=*1A', '.tag=4']];
  const wire = Buffer.concat(sentences.map(encodeSentence));

  it('reads several sentences from one chunk', () => {
    expect(new SentenceDecoder().push(wire)).toEqual(sentences);
  });

  it('reads the same sentences whatever the chunking, one byte at a time included', () => {
    const d = new SentenceDecoder();
    const out: string[][] = [];
    for (const byte of wire) out.push(...d.push(Buffer.from([byte])));
    expect(out).toEqual(sentences);
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: wire.length }), { maxLength: 20 }), (cuts) => {
        const points = [...new Set(cuts)].sort((a, b) => a - b);
        const decoder = new SentenceDecoder();
        const got: string[][] = [];
        let from = 0;
        for (const p of [...points, wire.length]) {
          got.push(...decoder.push(wire.subarray(from, p)));
          from = p;
        }
        expect(got).toEqual(sentences);
      }),
    );
  });

  it('splits a multi-byte length and a long word across chunks', () => {
    const word = `=comment=${'y'.repeat(0x4000)}`;
    const bytes = encodeSentence(['!re', word]);
    const d = new SentenceDecoder();
    // Cut inside the 3-byte length (offset 4 is its first byte) and then inside the word.
    expect(d.push(bytes.subarray(0, 5))).toEqual([]);
    expect(d.midSentence).toBe(true);
    expect(d.push(bytes.subarray(5, 100))).toEqual([]);
    expect(d.push(bytes.subarray(100))).toEqual([['!re', word]]);
  });

  it('round-trips any sentence of any words', () => {
    const wordArb = fc.string({ minLength: 1, maxLength: 300, unit: 'grapheme' });
    fc.assert(
      fc.property(fc.array(fc.array(wordArb, { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 5 }), (ss) => {
        const d = new SentenceDecoder();
        expect(d.push(Buffer.concat(ss.map(encodeSentence)))).toEqual(ss);
      }),
      { numRuns: 300 },
    );
  });

  it('skips empty sentences', () => {
    const d = new SentenceDecoder();
    expect(d.push(Buffer.concat([Buffer.from([0, 0]), encodeSentence(['!done']), Buffer.from([0])]))).toEqual([['!done']]);
  });

  it('refuses a reserved control byte where a length should be', () => {
    const d = new SentenceDecoder();
    expect(() => d.push(Buffer.concat([encodeWord('!re'), Buffer.from([0xf8])]))).toThrow(/reserved control byte 0xf8/);
  });

  it('refuses a word longer than it accepts, before reading it (5-byte and 4-byte lengths)', () => {
    expect(() => new SentenceDecoder().push(Buffer.concat([encodeLength(0x10000000), Buffer.from('x')]))).toThrow(/longer than/);
    expect(() => new SentenceDecoder(1024).push(encodeLength(0xfffffff))).toThrow(/268435455 bytes is longer than the 1024/);
    expect(new SentenceDecoder(1024).push(Buffer.concat([encodeLength(1024), Buffer.alloc(1024, 0x61), Buffer.from([0])]))).toEqual([['a'.repeat(1024)]]);
  });
});

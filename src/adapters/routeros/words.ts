/**
 * The RouterOS API wire format (help.mikrotik.com "API", section Protocol): a sentence is a
 * sequence of words ended by a zero-length word; a word is its length in bytes, encoded in
 * 1 to 5 bytes, followed by that many bytes. Lengths are big-endian:
 *
 *   0x00000000 – 0x0000007F   1 byte   len
 *   0x00000080 – 0x00003FFF   2 bytes  len | 0x8000
 *   0x00004000 – 0x001FFFFF   3 bytes  len | 0xC00000
 *   0x00200000 – 0x0FFFFFFF   4 bytes  len | 0xE0000000
 *   0x10000000 – 0xFFFFFFFF   5 bytes  0xF0, then len as 4 bytes
 *
 * A first byte of 0xF8 or more is a reserved control byte; 0xF1–0xF7 are not used either.
 * Neither can be read, so both are a protocol error. Words are UTF-8 here (what RouterOS 7
 * stores; the names and passwords this product writes are ASCII).
 */

export const MAX_WORD_LENGTH = 0xffffffff;

/** The wire data does not follow the protocol (reserved control byte, oversized word, ...). */
export class RouterOsProtocolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RouterOsProtocolError';
  }
}

/** The encoded form of a word length. */
export function encodeLength(length: number): Buffer {
  if (!Number.isInteger(length) || length < 0 || length > MAX_WORD_LENGTH) {
    throw new RouterOsProtocolError(`a word length must be an integer from 0 to ${MAX_WORD_LENGTH}, not ${length}`);
  }
  if (length < 0x80) return Buffer.from([length]);
  if (length < 0x4000) return Buffer.from([(length >>> 8) | 0x80, length & 0xff]);
  if (length < 0x200000) return Buffer.from([(length >>> 16) | 0xc0, (length >>> 8) & 0xff, length & 0xff]);
  if (length < 0x10000000) {
    return Buffer.from([(length >>> 24) | 0xe0, (length >>> 16) & 0xff, (length >>> 8) & 0xff, length & 0xff]);
  }
  const out = Buffer.alloc(5);
  out[0] = 0xf0;
  out.writeUInt32BE(length, 1);
  return out;
}

/** How many bytes (1–5) a length takes, read off its first byte. */
export function lengthSize(firstByte: number): number {
  if ((firstByte & 0x80) === 0) return 1;
  if ((firstByte & 0xc0) === 0x80) return 2;
  if ((firstByte & 0xe0) === 0xc0) return 3;
  if ((firstByte & 0xf0) === 0xe0) return 4;
  if (firstByte === 0xf0) return 5;
  if (firstByte >= 0xf8) throw new RouterOsProtocolError(`reserved control byte 0x${firstByte.toString(16)} in the stream`);
  throw new RouterOsProtocolError(`invalid length prefix 0x${firstByte.toString(16)}`);
}

/** The length encoded in `bytes` (exactly lengthSize(bytes[0]) of them). */
export function decodeLength(bytes: ArrayLike<number>): number {
  const size = lengthSize(bytes[0]!);
  if (bytes.length !== size) throw new RouterOsProtocolError(`a length starting 0x${bytes[0]!.toString(16)} takes ${size} bytes, not ${bytes.length}`);
  const b = (i: number) => bytes[i]!;
  switch (size) {
    case 1:
      return b(0);
    case 2:
      return ((b(0) & 0x3f) << 8) | b(1);
    case 3:
      return ((b(0) & 0x1f) << 16) | (b(1) << 8) | b(2);
    case 4:
      return (b(0) & 0x0f) * 0x1000000 + ((b(1) << 16) | (b(2) << 8) | b(3));
    default:
      return b(1) * 0x1000000 + ((b(2) << 16) | (b(3) << 8) | b(4));
  }
}

/** One word on the wire: its length, then its bytes. */
export function encodeWord(word: string): Buffer {
  const body = Buffer.from(word, 'utf8');
  return Buffer.concat([encodeLength(body.length), body]);
}

/** A sentence on the wire: its words, then the zero-length word. An empty word cannot be sent inside a sentence. */
export function encodeSentence(words: readonly string[]): Buffer {
  if (words.length === 0) throw new RouterOsProtocolError('a sentence needs at least one word');
  const parts: Buffer[] = [];
  for (const w of words) {
    if (w.length === 0) throw new RouterOsProtocolError('an empty word would end the sentence');
    parts.push(encodeWord(w));
  }
  parts.push(Buffer.from([0]));
  return Buffer.concat(parts);
}

/**
 * Reads sentences out of a byte stream however it is cut into chunks. A length may arrive one
 * byte at a time and a word across many chunks; the bytes of a word are joined once, when the
 * word is complete. Words longer than `maxWordLength` are refused (a peer cannot make the
 * reader hold gigabytes). Empty sentences (a lone zero-length word) are skipped, as the
 * protocol says.
 */
export class SentenceDecoder {
  private readonly header: number[] = [];
  private headerSize = 0;
  /** Bytes of the current word still to come; -1 while reading a length. */
  private remaining = -1;
  private parts: Buffer[] = [];
  private words: string[] = [];

  constructor(private readonly maxWordLength = 16 * 1024 * 1024) {}

  /** The sentences completed by this chunk, in order. Throws RouterOsProtocolError on bad data. */
  push(chunk: Buffer): string[][] {
    const out: string[][] = [];
    let i = 0;
    while (i < chunk.length) {
      if (this.remaining < 0) {
        const byte = chunk[i++]!;
        if (this.header.length === 0) this.headerSize = lengthSize(byte);
        this.header.push(byte);
        if (this.header.length < this.headerSize) continue;
        const length = decodeLength(this.header);
        this.header.length = 0;
        if (length === 0) {
          if (this.words.length > 0) out.push(this.words);
          this.words = [];
          continue;
        }
        if (length > this.maxWordLength) {
          throw new RouterOsProtocolError(`a word of ${length} bytes is longer than the ${this.maxWordLength} this reader accepts`);
        }
        this.remaining = length;
        this.parts = [];
        continue;
      }
      const take = Math.min(this.remaining, chunk.length - i);
      this.parts.push(chunk.subarray(i, i + take));
      i += take;
      this.remaining -= take;
      if (this.remaining === 0) {
        const bytes = this.parts.length === 1 ? this.parts[0]! : Buffer.concat(this.parts);
        this.words.push(bytes.toString('utf8'));
        this.parts = [];
        this.remaining = -1;
      }
    }
    return out;
  }

  /** Whether a sentence has begun and not ended (the stream stopped in the middle of one). */
  get midSentence(): boolean {
    return this.header.length > 0 || this.remaining >= 0 || this.words.length > 0;
  }
}

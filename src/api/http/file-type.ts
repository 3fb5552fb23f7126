import type { Readable } from 'node:stream';

/**
 * The real type of an uploaded file, from its first bytes (the client's Content-Type is not
 * trusted), and a way to read those bytes without losing them.
 */

/** `text`: plain UTF-8 text (CSV imports); checked after every binary signature. */
export type FileKind = 'image' | 'document' | 'text';

/** How many leading bytes `sniffType` needs. */
export const SNIFF_BYTES = 12;

const SIGNATURES: Array<{ type: string; kind: FileKind; test: (b: Buffer) => boolean }> = [
  { type: 'image/jpeg', kind: 'image', test: (b) => b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff },
  {
    type: 'image/png',
    kind: 'image',
    test: (b) => b.length >= 8 && b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])),
  },
  { type: 'image/gif', kind: 'image', test: (b) => /^GIF8[79]a/.test(b.subarray(0, 6).toString('latin1')) },
  {
    type: 'image/webp',
    kind: 'image',
    test: (b) => b.length >= 12 && b.subarray(0, 4).toString('latin1') === 'RIFF' && b.subarray(8, 12).toString('latin1') === 'WEBP',
  },
  { type: 'application/pdf', kind: 'document', test: (b) => b.subarray(0, 5).toString('latin1') === '%PDF-' },
  { type: 'text/csv', kind: 'text', test: (b) => b.length > 0 && isText(b) },
];

/**
 * The head of a UTF-8 text: no NUL or other control bytes but tab, CR and LF, and valid UTF-8
 * (a sequence cut off at the end of the head is allowed).
 */
function isText(b: Buffer): boolean {
  let i = b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf ? 3 : 0;
  while (i < b.length) {
    const c = b[i]!;
    if (c < 0x80) {
      if (c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) return false;
      if (c === 0x7f) return false;
      i++;
      continue;
    }
    const n = c >= 0xc2 && c <= 0xdf ? 1 : c >= 0xe0 && c <= 0xef ? 2 : c >= 0xf0 && c <= 0xf4 ? 3 : -1;
    if (n < 0) return false;
    for (let k = 1; k <= n; k++) {
      if (i + k >= b.length) return true;
      if ((b[i + k]! & 0xc0) !== 0x80) return false;
    }
    i += n + 1;
  }
  return true;
}

export function sniffType(head: Buffer): { type: string; kind: FileKind } | null {
  const hit = SIGNATURES.find((s) => s.test(head));
  return hit ? { type: hit.type, kind: hit.kind } : null;
}

/** The stream closed (destroyed) before its end and without an error of its own. */
export class StreamClosedEarly extends Error {
  constructor() {
    super('The stream closed before its end');
    this.name = 'StreamClosedEarly';
  }
}

/**
 * Reads the first `bytes` bytes of a stream and puts them back (`unshift`), so the stream itself
 * still yields everything and stays the one stream whose errors the caller handles: no second
 * stream is piped from it. `ended`: the stream ended first, `head` is all of it, and the stream is
 * spent. Rejects with the stream's error, or StreamClosedEarly; either way every listener it
 * added is removed again.
 */
export function readHead(stream: Readable, bytes: number): Promise<{ head: Buffer; ended: boolean }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let length = 0;
    const cleanup = () => {
      stream.off('readable', onReadable);
      stream.off('end', onEnd);
      stream.off('error', onError);
      stream.off('close', onClose);
    };
    const onReadable = () => {
      let chunk: Buffer | null;
      while (length < bytes && (chunk = stream.read() as Buffer | null) !== null) {
        chunks.push(chunk);
        length += chunk.length;
      }
      if (length < bytes) return;
      cleanup();
      const head = Buffer.concat(chunks);
      stream.unshift(head);
      resolve({ head: head.subarray(0, bytes), ended: false });
    };
    const onEnd = () => {
      cleanup();
      resolve({ head: Buffer.concat(chunks), ended: true });
    };
    const onError = (err: Error) => {
      cleanup();
      reject(err);
    };
    const onClose = () => {
      cleanup();
      reject(new StreamClosedEarly());
    };
    stream.on('readable', onReadable);
    stream.on('end', onEnd);
    stream.on('error', onError);
    stream.on('close', onClose);
  });
}

/**
 * Contract suite for the file store port: the disk store and the GridFS store run it unchanged.
 *
 *   fileStoreContract('disk', async () => ({ store, teardown }));
 */
import { createHash, randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { FileTooLargeError, type FileStore } from '../../ports/file-store';

export interface FileStoreFixture {
  store: FileStore;
  teardown: () => Promise<void>;
}

async function readAll(stream: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of stream) parts.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string));
  return Buffer.concat(parts);
}

/** `size` bytes of a repeating but not constant pattern, in chunks of `chunk` bytes. */
function content(size: number, chunk = 64 * 1024): { stream: () => Readable; bytes: Buffer } {
  const bytes = Buffer.alloc(size);
  for (let i = 0; i < size; i++) bytes[i] = (i * 31 + (i >> 8)) & 0xff;
  return {
    bytes,
    stream: () => Readable.from((function* () {
      for (let at = 0; at < size; at += chunk) yield bytes.subarray(at, Math.min(size, at + chunk));
    })()),
  };
}

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

export function fileStoreContract(adapterName: string, setup: () => Promise<FileStoreFixture>): void {
  describe(`file store contract: ${adapterName}`, () => {
    let fixture: FileStoreFixture;
    let store: FileStore;
    beforeAll(async () => {
      fixture = await setup();
      store = fixture.store;
    });
    afterAll(async () => {
      await fixture?.teardown();
    });

    const save = (id: string, size: number, maxBytes = 10 * 1024 * 1024) => {
      const c = content(size);
      return {
        bytes: c.bytes,
        result: store.save({ id, filename: `f-${size}.bin`, contentType: 'application/pdf', content: c.stream(), maxBytes, createdAt: '2026-01-15T12:00:00.000Z' }),
      };
    };

    it('stores a file in chunks and gives back the same bytes, size, hash and metadata', async () => {
      const id = randomUUID();
      const { bytes, result } = save(id, 700 * 1024 + 17);
      const stored = await result;
      const expected = { id, filename: `f-${700 * 1024 + 17}.bin`, contentType: 'application/pdf', size: bytes.length, sha256: sha256(bytes), createdAt: '2026-01-15T12:00:00.000Z' };
      expect(stored).toEqual(expected);
      expect(await store.stat(id)).toEqual(expected);
      const opened = await store.open(id);
      expect(opened?.file).toEqual(expected);
      const back = await readAll(opened!.content);
      expect(back.length).toBe(bytes.length);
      expect(sha256(back)).toBe(sha256(bytes));
    });

    it('stores an empty file and one exactly at the limit', async () => {
      const empty = randomUUID();
      expect((await save(empty, 0).result).size).toBe(0);
      expect((await readAll((await store.open(empty))!.content)).length).toBe(0);
      const full = randomUUID();
      expect((await save(full, 4096, 4096).result).size).toBe(4096);
    });

    it('refuses a file over the limit while streaming and keeps nothing', async () => {
      const id = randomUUID();
      let pulled = 0;
      const total = 2 * 1024 * 1024;
      const source = Readable.from((function* () {
        for (let i = 0; i < total / 65536; i++) {
          pulled++;
          yield Buffer.alloc(65536, i);
        }
      })());
      const attempt = store.save({ id, filename: 'big.bin', contentType: 'application/octet-stream', content: source, maxBytes: 300 * 1024, createdAt: '2026-01-15T12:00:00.000Z' });
      await expect(attempt).rejects.toBeInstanceOf(FileTooLargeError);
      // It stopped reading soon after the limit instead of taking the whole upload in.
      expect(pulled).toBeLessThan(total / 65536);
      expect(await store.stat(id)).toBeNull();
      expect(await store.open(id)).toBeNull();
      // The id is free for a later, smaller upload.
      expect((await save(id, 1000, 300 * 1024).result).size).toBe(1000);
    });

    it('answers null for unknown or malformed ids, and deletes idempotently', async () => {
      expect(await store.stat(randomUUID())).toBeNull();
      expect(await store.open(randomUUID())).toBeNull();
      expect(await store.stat('../../etc/passwd')).toBeNull();
      const id = randomUUID();
      await save(id, 10).result;
      await store.delete(id);
      expect(await store.stat(id)).toBeNull();
      expect(await store.open(id)).toBeNull();
      await store.delete(id);
      await store.delete(randomUUID());
      await expect(store.save({ id: '../x', filename: 'x', contentType: 'text/plain', content: Readable.from([Buffer.from('x')]), maxBytes: 10, createdAt: '2026-01-15T12:00:00.000Z' })).rejects.toThrow();
    });
  });
}

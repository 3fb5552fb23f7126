/**
 * Uploaded files in MongoDB GridFS, so every instance sees every upload (the disk store keeps
 * them on one machine). The caller's id is the GridFS file `_id` (a string), the metadata
 * (content type, SHA-256, creation time) lives in the GridFS file document, and the content is
 * streamed in chunks: the size limit is enforced and the SHA-256 computed while streaming, and an
 * upload that goes over the limit (or fails) is aborted and its chunks deleted.
 *
 * GridFS writes the file document only after the last chunk, so a half-written upload is never
 * visible under its id; an upload cut off by a crash can leave orphan chunks (chunks whose
 * files_id has no file document), which `sweepOrphanChunks` could clean (not needed by the port).
 */
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { GridFSBucket, type Db, type GridFSBucketWriteStream, type GridFSFile, type ObjectId } from 'mongodb';
import { FileTooLargeError, type FileStore, type StoredFile } from '../../ports/file-store';
import { isDuplicateKeyError } from '../read-store/mongodb/mapping';

const SAFE_ID = /^[A-Za-z0-9-]{8,64}$/;

export interface GridFsFileStoreOptions {
  /** GridFS bucket: collections `<bucketName>.files` and `<bucketName>.chunks`. Default `uploads`. */
  bucketName?: string;
  /** Default 255 KiB (the GridFS default). */
  chunkSizeBytes?: number;
}

export interface ChunkSink {
  write(chunk: Buffer): Promise<void>;
}

/**
 * Copies `source` into `sink` one chunk at a time (each write settles before the next chunk is
 * read), counting bytes and hashing as it goes. Throws FileTooLargeError as soon as the total
 * passes `maxBytes`, before the chunk that crosses the limit is written.
 */
export async function copyLimited(source: AsyncIterable<unknown>, sink: ChunkSink, maxBytes: number): Promise<{ size: number; sha256: string }> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const raw of source) {
    const chunk = Buffer.isBuffer(raw) ? raw : typeof raw === 'string' ? Buffer.from(raw) : Buffer.from(raw as Uint8Array);
    size += chunk.length;
    if (size > maxBytes) throw new FileTooLargeError(maxBytes);
    hash.update(chunk);
    if (chunk.length > 0) await sink.write(chunk);
  }
  return { size, sha256: hash.digest('hex') };
}

/** What this store keeps in the GridFS file document's `metadata`. */
export interface GridFsMetadata {
  contentType: string;
  sha256: string;
  createdAt: string;
}

/** The port's view of a GridFS file document. */
export function toStoredFile(doc: Pick<GridFSFile, 'filename' | 'length' | 'uploadDate' | 'metadata'> & { _id: unknown }): StoredFile {
  const meta = (doc.metadata ?? {}) as Partial<GridFsMetadata>;
  return {
    id: String(doc._id),
    filename: doc.filename,
    contentType: typeof meta.contentType === 'string' ? meta.contentType : 'application/octet-stream',
    size: doc.length,
    sha256: typeof meta.sha256 === 'string' ? meta.sha256 : '',
    createdAt: typeof meta.createdAt === 'string' ? meta.createdAt : doc.uploadDate.toISOString(),
  };
}

export function createGridFsFileStore(db: Db, options: GridFsFileStoreOptions = {}): FileStore {
  const bucketName = options.bucketName ?? 'uploads';
  const bucket = new GridFSBucket(db, { bucketName, ...(options.chunkSizeBytes ? { chunkSizeBytes: options.chunkSizeBytes } : {}) });
  const files = db.collection(`${bucketName}.files`);
  const chunks = db.collection(`${bucketName}.chunks`);
  // The driver types GridFS ids as ObjectId; any BSON value works, and ours are strings.
  const gridId = (id: string): ObjectId => id as unknown as ObjectId;

  async function stat(id: string): Promise<StoredFile | null> {
    if (!SAFE_ID.test(id)) return null;
    const doc = await files.findOne({ _id: gridId(id) });
    return doc ? toStoredFile(doc as unknown as GridFSFile) : null;
  }

  return {
    async save(input) {
      if (!SAFE_ID.test(input.id)) throw new Error(`Invalid file id ${input.id}`);
      // Chunks of a second upload under a taken id would collide with (and abort would delete) the first one's.
      if (await files.findOne({ _id: gridId(input.id) }, { projection: { _id: 1 } })) {
        throw new Error(`A file with id ${input.id} already exists`);
      }
      const metadata: GridFsMetadata = { contentType: input.contentType, sha256: '', createdAt: input.createdAt };
      const upload: GridFSBucketWriteStream = bucket.openUploadStreamWithId(gridId(input.id), input.filename, { metadata });
      // Failures surface through the write callbacks and `finished`; without a listener an
      // 'error' event would be thrown.
      upload.on('error', () => undefined);
      const sink: ChunkSink = {
        write: (chunk) => new Promise<void>((resolve, reject) => upload.write(chunk, (err) => (err ? reject(err) : resolve()))),
      };
      try {
        const { size, sha256 } = await copyLimited(input.content, sink, input.maxBytes);
        // The file document is written at the end, from the stream's options: the hash is known now.
        metadata.sha256 = sha256;
        upload.end();
        await finished(upload);
        return { id: input.id, filename: input.filename, contentType: input.contentType, size, sha256, createdAt: input.createdAt };
      } catch (err) {
        // No write is in flight here (each one settled before the next chunk was read).
        destroy(input.content);
        upload.destroy();
        // Delete what was written, unless the failure was a collision with someone else's chunks.
        if (!isDuplicateKeyError(err)) await chunks.deleteMany({ files_id: gridId(input.id) }).catch(() => undefined);
        throw err;
      }
    },
    stat,
    async open(id) {
      const file = await stat(id);
      if (!file) return null;
      return { file, content: bucket.openDownloadStream(gridId(id)) };
    },
    async delete(id) {
      if (!SAFE_ID.test(id)) return;
      // The file document first, so a reader never finds a file whose chunks are half gone.
      await files.deleteOne({ _id: gridId(id) });
      await chunks.deleteMany({ files_id: gridId(id) });
    },
  };
}

function destroy(stream: Readable): void {
  // The rest of an upload that is refused is not read.
  if (!stream.destroyed) stream.destroy();
}

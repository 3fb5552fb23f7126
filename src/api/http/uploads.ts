import { PassThrough, type Readable } from 'node:stream';
import type { Request, RequestHandler } from 'express';
import multer from 'multer';
import { ValidationError } from '../../domain/shared/errors';
import type { Clock, IdGenerator } from '../../ports/clock';
import { FileTooLargeError, type FileStore, type StoredFile } from '../../ports/file-store';

/**
 * Multipart uploads streamed straight into the file store: the first bytes are sniffed for
 * the real file type (the client's Content-Type is not trusted), the size is capped while
 * streaming, and a refused file leaves nothing behind.
 */

export type FileKind = 'image' | 'document';

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
];

export function sniffType(head: Buffer): { type: string; kind: FileKind } | null {
  const hit = SIGNATURES.find((s) => s.test(head));
  return hit ? { type: hit.type, kind: hit.kind } : null;
}

/** Reads the first bytes of a stream and gives back a stream that still yields everything. */
function peek(stream: Readable, bytes: number): Promise<{ head: Buffer; rest: Readable }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let length = 0;
    const finish = (ended: boolean) => {
      stream.off('data', onData);
      stream.off('end', onEnd);
      stream.off('error', onError);
      const head = Buffer.concat(chunks);
      const rest = new PassThrough();
      if (ended) rest.end(head);
      else {
        stream.pause();
        rest.write(head);
        stream.on('error', (e) => rest.destroy(e));
        stream.pipe(rest);
      }
      resolve({ head, rest });
    };
    const onData = (chunk: Buffer) => {
      chunks.push(chunk);
      length += chunk.length;
      if (length >= bytes) finish(false);
    };
    const onEnd = () => finish(true);
    const onError = (e: Error) => {
      stream.off('data', onData);
      stream.off('end', onEnd);
      reject(e);
    };
    stream.on('data', onData);
    stream.on('end', onEnd);
    stream.on('error', onError);
  });
}

class UnsupportedFileType extends Error {}

export interface UploadOptions {
  field: string;
  maxBytes: number;
  accept: readonly FileKind[];
  /** Field wording for error messages, e.g. 'photo'. */
  label?: string;
}

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      storedFile?: StoredFile;
    }
  }
}

export function singleFileUpload(
  deps: { fileStore: FileStore; ids: IdGenerator; clock: Clock },
  options: UploadOptions,
): RequestHandler {
  const label = options.label ?? options.field;
  const storage: multer.StorageEngine = {
    _handleFile(_req: Request, file, cb) {
      (async () => {
        const { head, rest } = await peek(file.stream, 12);
        const sniffed = sniffType(head);
        if (!sniffed || !options.accept.includes(sniffed.kind)) {
          file.stream.resume();
          throw new UnsupportedFileType();
        }
        return deps.fileStore.save({
          id: deps.ids.uuid(),
          filename: file.originalname.slice(0, 255),
          contentType: sniffed.type,
          content: rest,
          maxBytes: options.maxBytes,
          createdAt: deps.clock.now().toISOString(),
        });
      })().then(
        (stored) => cb(null, { storedFile: stored, size: stored.size } as Partial<Express.Multer.File>),
        (err: unknown) => cb(err as Error),
      );
    },
    _removeFile(_req, file, cb) {
      const stored = (file as unknown as { storedFile?: StoredFile }).storedFile;
      if (!stored) return cb(null);
      deps.fileStore.delete(stored.id).then(() => cb(null), cb);
    },
  };
  const upload = multer({
    storage,
    limits: { fileSize: options.maxBytes, files: 1, fields: 50, fieldSize: 64 * 1024 },
  }).single(options.field);

  const kinds = options.accept.map((k) => (k === 'image' ? 'an image (JPEG, PNG, GIF or WebP)' : 'a PDF document')).join(' or ');
  return (req, res, next) => {
    upload(req, res, (err: unknown) => {
      if (!err) {
        const stored = (req.file as unknown as { storedFile?: StoredFile } | undefined)?.storedFile;
        if (stored) req.storedFile = stored;
        return next();
      }
      if (err instanceof UnsupportedFileType) {
        return next(new ValidationError({ [options.field]: [`The ${label} must be ${kinds}.`] }));
      }
      if ((err instanceof multer.MulterError && err.code === 'LIMIT_FILE_SIZE') || err instanceof FileTooLargeError) {
        const kb = Math.floor(options.maxBytes / 1024);
        return next(new ValidationError({ [options.field]: [`The ${label} may not be greater than ${kb} kilobytes.`] }));
      }
      if (err instanceof multer.MulterError) {
        return next(new ValidationError({ [err.field ?? options.field]: [`Upload refused: ${err.message}.`] }));
      }
      next(err);
    });
  };
}

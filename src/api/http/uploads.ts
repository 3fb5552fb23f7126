import { Readable } from 'node:stream';
import type { Request, RequestHandler } from 'express';
import multer from 'multer';
import { ValidationError } from '../../domain/shared/errors';
import type { Clock, IdGenerator } from '../../ports/clock';
import { FileTooLargeError, type FileStore, type StoredFile } from '../../ports/file-store';
import { readHead, sniffType, SNIFF_BYTES, type FileKind } from './file-type';

/**
 * Multipart uploads streamed straight into the file store: the first bytes are sniffed for the
 * real file type (the client's Content-Type is not trusted), the size is capped while streaming,
 * and a refused, broken or abandoned upload leaves nothing behind.
 *
 * Every stream of the request has its errors handled by one owner: multer (busboy) listens on the
 * request, the parser and each file stream; the file stream is handed to the file store as is
 * (its first bytes read and put back, no second stream piped from it), whose own pipeline ends
 * in an error when the file stream does. How each failure is answered:
 *  - the body is not multipart/form-data that can be read to its end (no boundary, a malformed
 *    part header, a body cut off before its closing boundary): 400 (MalformedMultipartError);
 *  - the client hung up: nothing can be answered; the file being written is deleted;
 *  - a file that is too large, of a type not accepted, or a limit on parts or fields: 422 in
 *    the document's validation format;
 *  - the file store itself failed (disk, GridFS): 500, with nothing of the cause in the answer.
 * The answer is sent only once every file store call the request started has settled, so a file
 * half written when the request failed is gone by the time the client reads the answer.
 */

export type { FileKind } from './file-type';

/** The request body is not multipart/form-data that can be read to its end: 400 in each document's format. */
export class MalformedMultipartError extends Error {
  readonly status = 400;
  readonly expose = true;
  readonly type = 'multipart.malformed';
  constructor(readonly reason: string) {
    super('The request body is not a complete multipart/form-data body');
    this.name = 'MalformedMultipartError';
  }
}

/** The file store failed while saving or deleting: our failure, answered 500. */
class StorageFailure extends Error {
  constructor(readonly failure: unknown) {
    super('The file store failed');
    this.name = 'StorageFailure';
  }
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

/** File store calls a request started; its answer waits for all of them (see waitForStorage). */
const inFlight = new WeakMap<Request, Set<Promise<unknown>>>();

function track(req: Request, work: Promise<unknown>): void {
  let set = inFlight.get(req);
  if (!set) inFlight.set(req, (set = new Set()));
  const settled = work.then(
    () => undefined,
    () => undefined,
  );
  set.add(settled);
  settled.then(() => set.delete(settled));
}

/** Waits until no file store call of this request is pending (a settling save can start a delete). */
async function waitForStorage(req: Request): Promise<void> {
  const set = inFlight.get(req);
  while (set && set.size > 0) await Promise.all([...set]);
}

export function singleFileUpload(
  deps: { fileStore: FileStore; ids: IdGenerator; clock: Clock },
  options: UploadOptions,
): RequestHandler {
  const label = options.label ?? options.field;
  const storage: multer.StorageEngine = {
    _handleFile(req: Request, file, cb) {
      const save = (async () => {
        const { head, ended } = await readHead(file.stream, SNIFF_BYTES);
        const sniffed = sniffType(head);
        if (!sniffed || !options.accept.includes(sniffed.kind)) {
          if (!ended) file.stream.resume(); // the rest of the part is read and dropped
          throw new UnsupportedFileType();
        }
        let streamFailed = false;
        file.stream.once('error', () => (streamFailed = true));
        try {
          return await deps.fileStore.save({
            id: deps.ids.uuid(),
            filename: file.originalname.slice(0, 255),
            contentType: sniffed.type,
            content: ended ? Readable.from([head]) : file.stream,
            maxBytes: options.maxBytes,
            createdAt: deps.clock.now().toISOString(),
          });
        } catch (err) {
          // The client's body broke the stream (the store gave up because of it), or it is too large: not a storage failure.
          if (streamFailed || err instanceof FileTooLargeError) throw err;
          throw new StorageFailure(err);
        }
      })();
      // Settles after multer has been told, so a delete multer starts in answer is tracked too.
      track(
        req,
        save.then(
          (stored) => cb(null, { storedFile: stored, size: stored.size } as Partial<Express.Multer.File>),
          (err: unknown) => cb(err as Error),
        ),
      );
    },
    _removeFile(req: Request, file, cb) {
      const stored = (file as unknown as { storedFile?: StoredFile }).storedFile;
      if (!stored) return cb(null);
      const removal = deps.fileStore.delete(stored.id);
      track(req, removal);
      removal.then(
        () => cb(null),
        (err: unknown) => cb(new StorageFailure(err)),
      );
    },
  };
  const upload = multer({
    storage,
    limits: { fileSize: options.maxBytes, files: 1, fields: 50, parts: 51, fieldSize: 64 * 1024, fieldNameSize: 200, headerPairs: 20 },
  }).single(options.field);

  const kinds = options.accept.map((k) => (k === 'image' ? 'an image (JPEG, PNG, GIF or WebP)' : 'a PDF document')).join(' or ');
  const refusal = (err: unknown): unknown => {
    if (err instanceof UnsupportedFileType) {
      return new ValidationError({ [options.field]: [`The ${label} must be ${kinds}.`] });
    }
    if ((err instanceof multer.MulterError && err.code === 'LIMIT_FILE_SIZE') || err instanceof FileTooLargeError) {
      const kb = Math.floor(options.maxBytes / 1024);
      return new ValidationError({ [options.field]: [`The ${label} may not be greater than ${kb} kilobytes.`] });
    }
    if (err instanceof multer.MulterError) {
      return new ValidationError({ [err.field ?? options.field]: [`Upload refused: ${err.message}.`] });
    }
    if (err instanceof StorageFailure) return err.failure;
    // Anything else multer hands back came from reading the body: busboy could not parse it
    // (no boundary, malformed part, cut off) or the client went away mid-upload.
    return new MalformedMultipartError(err instanceof Error ? err.message : String(err));
  };

  return (req, res, next) => {
    // A later refusal (4xx: Idempotency-Key, validation, an unknown ticket) changed nothing, so
    // the file it brought is not kept either. Deleting twice is harmless.
    res.once('finish', () => {
      if (req.storedFile && res.statusCode >= 400 && res.statusCode < 500) {
        deps.fileStore.delete(req.storedFile.id).catch(() => undefined);
      }
    });
    upload(req, res, (err: unknown) => {
      if (!err) {
        const stored = (req.file as unknown as { storedFile?: StoredFile } | undefined)?.storedFile;
        if (stored) req.storedFile = stored;
        return next();
      }
      waitForStorage(req).then(() => next(refusal(err)), next);
    });
  };
}

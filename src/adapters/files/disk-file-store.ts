import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, open, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { FileTooLargeError, type FileStore, type StoredFile } from '../../ports/file-store';

const SAFE_ID = /^[A-Za-z0-9-]{8,64}$/;

/**
 * Files on local disk under `<root>/<first two chars of id>/<id>` with a JSON sidecar. A file is
 * written to a temporary name, fsynced, then renamed, so a crash never leaves half a file
 * under a real id.
 */
export function createDiskFileStore(root: string): FileStore {
  const dirFor = (id: string) => join(root, id.slice(0, 2));
  const check = (id: string) => {
    if (!SAFE_ID.test(id)) throw new Error(`Invalid file id ${id}`);
  };

  async function stat(id: string): Promise<StoredFile | null> {
    if (!SAFE_ID.test(id)) return null;
    try {
      return JSON.parse(await readFile(join(dirFor(id), `${id}.json`), 'utf8')) as StoredFile;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
  }

  return {
    async save(input) {
      check(input.id);
      const dir = dirFor(input.id);
      await mkdir(dir, { recursive: true });
      const tmp = join(dir, `.${input.id}.tmp`);
      const hash = createHash('sha256');
      let size = 0;
      const meter = new Transform({
        transform(chunk: Buffer, _enc, cb) {
          size += chunk.length;
          if (size > input.maxBytes) return cb(new FileTooLargeError(input.maxBytes));
          hash.update(chunk);
          cb(null, chunk);
        },
      });
      const out = createWriteStream(tmp);
      try {
        await pipeline(input.content, meter, out);
        const fh = await open(tmp, 'r');
        await fh.sync();
        await fh.close();
      } catch (err) {
        // The pipeline can fail before the stream has opened its file; removing it then would
        // come before the file exists and leave it behind. Remove it once the stream is closed.
        if (!out.closed) await new Promise<void>((resolve) => out.once('close', () => resolve()));
        await rm(tmp, { force: true });
        throw err;
      }
      const file: StoredFile = {
        id: input.id,
        filename: input.filename,
        contentType: input.contentType,
        size,
        sha256: hash.digest('hex'),
        createdAt: input.createdAt,
      };
      await writeFile(join(dir, `${input.id}.json`), JSON.stringify(file));
      await rename(tmp, join(dir, input.id));
      return file;
    },
    stat,
    async open(id) {
      const file = await stat(id);
      if (!file) return null;
      return { file, content: createReadStream(join(dirFor(id), id)) };
    },
    async delete(id) {
      if (!SAFE_ID.test(id)) return;
      await rm(join(dirFor(id), id), { force: true });
      await rm(join(dirFor(id), `${id}.json`), { force: true });
    },
  };
}

import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { setTimeout as delay } from 'node:timers/promises';
import { FileTooLargeError } from '../../ports/file-store';
import { createDiskFileStore } from './disk-file-store';

/**
 * A file stream opens its file on a worker thread, and a refused save's pipeline fails before
 * that open has finished. Here the open is held until the test lets it go, so the order in
 * which CI once met it (the refusal's cleanup before the file existed) happens every time.
 */
let releaseOpen: () => void = () => undefined;
let opening: (() => void) | undefined;
const openStarted = () => new Promise<void>((resolve) => (opening = resolve));
jest.mock('node:fs', () => {
  const actual = jest.requireActual<typeof import('node:fs')>('node:fs');
  return {
    ...actual,
    createWriteStream: (path: string) =>
      new Writable({
        construct(cb) {
          releaseOpen = () => {
            writeFileSync(path, '');
            cb();
          };
          opening?.();
        },
        write(_chunk, _enc, cb) {
          cb();
        },
      }),
  };
});

describe('disk file store: a refused file', () => {
  let root: string;
  beforeEach(() => (root = mkdtempSync(join(tmpdir(), 'isp-files-unit-'))));
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('leaves no temporary file behind when its file is opened only after the refusal', async () => {
    const store = createDiskFileStore(root);
    const started = openStarted();
    const settled = store
      .save({ id: 'a1b2c3d4e5', filename: 'big.png', contentType: 'image/png', content: Readable.from([Buffer.alloc(100)]), maxBytes: 10, createdAt: '2026-12-07T00:00:00.000Z' })
      .then(
        () => null,
        (err: unknown) => err,
      );
    await started;
    // The old store settled (its cleanup done) while the file was still being opened; this one
    // waits for the stream, so it is let go after a while instead.
    await Promise.race([settled, delay(100)]);
    releaseOpen();
    expect(await settled).toBeInstanceOf(FileTooLargeError);
    await new Promise((resolve) => setImmediate(resolve));
    expect(readdirSync(root, { recursive: true }).filter((name) => String(name).endsWith('.tmp'))).toEqual([]);
  });
});

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileStoreContract } from './file-store.contract';
import { createDiskFileStore } from './disk-file-store';

// The same contract the GridFS store passes (gridfs-file-store.int.test.ts, with Docker).
fileStoreContract('disk', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'isp-files-'));
  return { store: createDiskFileStore(dir), teardown: async () => rmSync(dir, { recursive: true, force: true }) };
});

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readStoreContract } from '../../../ports/read-store.contract';
import { openSqliteReadStore } from './sqlite-read-store';

readStoreContract('sqlite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'isp-read-store-'));
  const store = openSqliteReadStore({ filename: join(dir, 'read-models.db') });
  return {
    store,
    teardown: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

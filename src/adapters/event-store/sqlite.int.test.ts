import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { eventStoreContract } from '../../ports/event-store.contract';
import { openSqliteEventStore } from './sqlite';

eventStoreContract('sqlite', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'event-store-contract-'));
  const store = openSqliteEventStore({ filename: path.join(dir, 'events.db') });
  return {
    store,
    teardown: async () => {
      await store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
});

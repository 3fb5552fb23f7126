import { readStoreContract } from '../../../ports/read-store.contract';
import { createMemoryReadStore } from './memory-read-store';

readStoreContract('memory', async () => {
  const store = createMemoryReadStore();
  return { store, teardown: () => store.close() };
});

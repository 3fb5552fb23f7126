import { eventStoreContract } from '../../ports/event-store.contract';
import { createMemoryEventStore } from './memory';

eventStoreContract('memory', async () => {
  const store = createMemoryEventStore();
  return { store, teardown: () => store.close() };
});

import { systemEvents } from '../../commands/system-events';
import { createEventRegistry } from '../../domain';
import type { EventRegistry } from '../../domain/shared/events';
import { reactorEvents } from '../../reactors';

/** The application's event registry (as src/app.ts builds it), for upcasting what is read. */
export function applicationRegistry(): EventRegistry {
  return createEventRegistry([...systemEvents, ...reactorEvents]);
}

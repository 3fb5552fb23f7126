/**
 * What the preloads share (bench/preload.ts, billing-preload.ts, inventory-preload.ts,
 * dotmac-preload.ts): work spread over concurrent pipelines, a progress line with the log's
 * head, and the command dependencies of document 002's commands.
 */
import { randomUUID } from 'node:crypto';
import { createAesSecretBox } from '../src/adapters/crypto/aes-secret-box';
import { createScryptPasswordHasher } from '../src/adapters/crypto/scrypt-password-hasher';
import { createSimulatedGateway } from '../src/adapters/payments/simulated-gateway';
import type { BillingCommandDeps } from '../src/commands/billing/deps';
import { systemEvents } from '../src/commands/system-events';
import { createEventRegistry } from '../src/domain';
import type { Clock } from '../src/ports/clock';
import type { EventStore } from '../src/ports/event-store';

/** Runs `work(i)` for i in [0, count) on `concurrency` pipelines. */
export async function pool(count: number, concurrency: number, work: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, count) }, async () => {
      while (next < count) await work(next++);
    }),
  );
}

/** `report(what)` prints "<label>: <what>, <head> events, <seconds since now> s". */
export function progressReport(eventStore: EventStore, label: string, onProgress: (line: string) => void): (what: string) => Promise<void> {
  const started = Date.now();
  return (what) => eventStore.headPosition().then((head) => onProgress(`  ${label}: ${what}, ${head} events, ${Math.round((Date.now() - started) / 1000)} s`));
}

/** Document 002's command dependencies on `clock`, with cheap password hashes (the parameters
 * travel with each hash) and the simulated payment gateway. */
export function billingBenchDeps(eventStore: EventStore, clock: Clock): BillingCommandDeps {
  return {
    eventStore,
    registry: createEventRegistry(systemEvents),
    clock,
    ids: { uuid: randomUUID },
    passwords: createScryptPasswordHasher({ cost: 2 ** 10 }),
    secrets: createAesSecretBox('bench-secrets-key-'.padEnd(48, 'k')),
    paymentGateway: () => createSimulatedGateway({ baseUrl: 'http://localhost', clock }),
    billing: { currency: 'IDR', timeZone: 'Asia/Jakarta', suspendAfterDays: 7 },
  };
}

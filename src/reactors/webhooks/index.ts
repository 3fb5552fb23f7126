import type { WebhookCommandDeps } from '../../commands/webhooks';
import type { Logger } from '../../ports/logger';
import type { ReadStore } from '../../ports/read-store';
import type { WebhookTransport } from '../../ports/webhook-transport';
import { getPortalAccountOfCustomer } from '../../projections/portal-accounts/queries';
import { CheckpointedReactor } from '../checkpointed-reactor';
import { WebhookDispatcher, type Timers, type WebhookDeliverySettings } from './dispatcher';
import { webhookSchedulingHandler, type WebhookSchedulingDeps } from './scheduler';

export { WebhookDispatcher, realTimers, type Timers, type WebhookDeliverySettings } from './dispatcher';
export { WEBHOOK_SOURCE_EVENTS, CATALOGUE, payloadOf, announcementsOf } from './catalogue';
export { sign, signedHeaders, verify, signingKey } from './signature';

export interface WebhookDeliveryDeps {
  commands: WebhookCommandDeps;
  readStore: ReadStore;
  logger: Logger;
  transport: WebhookTransport;
  sync: { waitFor(position: number, timeoutMs: number): Promise<boolean> };
  isLeader?: () => boolean;
  settings: WebhookDeliverySettings & { tenantId: string };
  portalIdOf?: WebhookSchedulingDeps['portalIdOf'];
  timers?: Timers;
  random?: () => number;
}

export interface WebhookDelivery {
  /** Writes the messages (the log is the outbox), from its checkpoint. */
  reactor: CheckpointedReactor;
  /** Sends them. */
  dispatcher: WebhookDispatcher;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** Webhook delivery (document 004): the scheduling reactor and the dispatcher, started and stopped together. */
export function createWebhookDelivery(deps: WebhookDeliveryDeps): WebhookDelivery {
  const logger = deps.logger.child({ component: 'webhooks' });
  const dispatcher = new WebhookDispatcher({
    commands: deps.commands,
    readStore: deps.readStore,
    transport: deps.transport,
    logger,
    settings: deps.settings,
    sync: deps.sync,
    isLeader: deps.isLeader,
    timers: deps.timers,
    random: deps.random,
  });
  const reactor = new CheckpointedReactor({
    deps: deps.commands,
    logger,
    sync: deps.sync,
    isLeader: deps.isLeader,
    handler: webhookSchedulingHandler({
      commands: deps.commands,
      readStore: deps.readStore,
      logger,
      tenantId: deps.settings.tenantId,
      portalIdOf: deps.portalIdOf ?? (async (customerId) => (await getPortalAccountOfCustomer(deps.readStore, customerId))?.portal_id ?? null),
      onScheduled: () => dispatcher.wake(),
    }),
  });
  return {
    reactor,
    dispatcher,
    async start() {
      await reactor.start();
      dispatcher.start();
    },
    async stop() {
      await reactor.stop();
      await dispatcher.stop();
    },
  };
}

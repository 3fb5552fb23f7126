import type { MikrotikCommandDeps } from '../commands/mikrotik-servers';
import type { Logger } from '../ports/logger';
import type { ReadStore } from '../ports/read-store';
import { CheckpointedReactor } from './checkpointed-reactor';
import { mikrotikProvisioningHandler } from './mikrotik-provisioning';
import type { WebhookCommandDeps } from '../commands/webhooks';
import { createWebhookDelivery, type WebhookDelivery, type WebhookDeliveryDeps } from './webhooks';

export { CheckpointedReactor, reactorEvents, type ReactorHandler } from './checkpointed-reactor';
export { mikrotikProvisioningHandler, MIKROTIK_TRIGGERS } from './mikrotik-provisioning';

export interface ReactorsDeps {
  commands: MikrotikCommandDeps & Partial<WebhookCommandDeps>;
  readStore: ReadStore;
  logger: Logger;
  /** Read-your-writes: the reactors read the read models as of their trigger. */
  sync: { waitFor(position: number, timeoutMs: number): Promise<boolean> };
  isLeader?: () => boolean;
  mikrotik: { attempts: number; retryDelayMs: number };
  /** Document 004's webhook delivery (src/reactors/webhooks); absent: none. */
  webhooks?: Pick<WebhookDeliveryDeps, 'transport' | 'settings' | 'portalIdOf' | 'timers' | 'random'>;
}

export interface Reactors {
  readonly all: readonly CheckpointedReactor[];
  /** The webhook reactor and dispatcher, when configured. */
  readonly webhooks: WebhookDelivery | null;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** Every reactor of the product, for the composition root to start (with the jobs) and stop. */
export function createReactors(deps: ReactorsDeps): Reactors {
  const logger = deps.logger.child({ component: 'reactors' });
  let stopping = false;
  // A wait between retries ends on stop by failing the trigger, which is not checkpointed and so
  // handled again after the restart.
  const sleeping = new Map<NodeJS.Timeout, () => void>();
  const sleep = (ms: number) =>
    new Promise<void>((resolve, reject) => {
      if (stopping) return reject(new Error('reactors stopping'));
      const timer = setTimeout(() => {
        sleeping.delete(timer);
        resolve();
      }, ms);
      sleeping.set(timer, () => reject(new Error('reactors stopping')));
    });
  const webhooks =
    deps.webhooks && deps.commands.secrets && deps.commands.webhookTargets
      ? createWebhookDelivery({
          ...deps.webhooks,
          commands: deps.commands as MikrotikCommandDeps & WebhookCommandDeps,
          readStore: deps.readStore,
          logger: deps.logger,
          sync: deps.sync,
          isLeader: deps.isLeader,
        })
      : null;
  const all = [
    new CheckpointedReactor({
      deps: deps.commands,
      logger,
      sync: deps.sync,
      isLeader: deps.isLeader,
      handler: mikrotikProvisioningHandler({ commands: deps.commands, readStore: deps.readStore, logger, ...deps.mikrotik, sleep }),
    }),
    ...(webhooks ? [webhooks.reactor] : []),
  ];
  return {
    all,
    webhooks,
    async start() {
      stopping = false;
      for (const r of all) await r.start();
      webhooks?.dispatcher.start();
    },
    async stop() {
      stopping = true;
      for (const [timer, wake] of sleeping) {
        clearTimeout(timer);
        wake();
      }
      sleeping.clear();
      await Promise.all([...all.map((r) => r.stop()), webhooks?.dispatcher.stop()]);
    },
  };
}

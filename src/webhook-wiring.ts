import type { Config } from './config';
import { createWebhookTargetPolicy, parseAllowedHosts } from './adapters/webhooks/address-policy';
import { createDnsResolver } from './adapters/webhooks/dns-resolver';
import { createHttpWebhookTransport } from './adapters/webhooks/http-transport';
import type { WebhookCommandDeps } from './commands/webhooks';
import type { HostResolver, WebhookTransport } from './ports/webhook-transport';
import type { WebhookDeliverySettings } from './reactors/webhooks';

/**
 * Document 004's webhooks in the composition root (called by src/app.ts only): the address
 * policy (WEBHOOK_ALLOWED_HOSTS and the system resolver), the HTTP transport, and the delivery
 * settings (WEBHOOK_*; docs/configuration.md).
 */
export function webhookAdapters(config: Config, resolver: HostResolver = createDnsResolver()): { targets: WebhookCommandDeps['webhookTargets']; transport: WebhookTransport } {
  const policy = { allowedHosts: parseAllowedHosts(config.WEBHOOK_ALLOWED_HOSTS), resolver };
  return { targets: createWebhookTargetPolicy(policy), transport: createHttpWebhookTransport(policy) };
}

export function webhookDeliverySettings(config: Config): WebhookDeliverySettings {
  return {
    retry: { maxAttempts: config.WEBHOOK_MAX_ATTEMPTS, baseMs: config.WEBHOOK_RETRY_BASE_MS, maxDelayMs: config.WEBHOOK_RETRY_MAX_DELAY_MS },
    timeoutMs: config.WEBHOOK_TIMEOUT_MS,
    disableAfterFailures: config.WEBHOOK_DISABLE_AFTER_FAILURES,
    pollMs: config.WEBHOOK_POLL_MS,
  };
}

import type { UrlCheck } from '../domain/webhook/decider';

/**
 * Outbound webhooks (document 004, DESIGN.md §7): where a URL may point, and the one HTTP POST
 * of an attempt. The adapters (src/adapters/webhooks/) refuse loopback, link-local, private and
 * reserved addresses unless the URL's host is in WEBHOOK_ALLOWED_HOSTS, both when a URL is
 * saved and again at every connection (a name can resolve elsewhere by then), and never follow
 * a redirect.
 */

export interface WebhookTargetPolicy {
  /** Whether `url`'s host may be called: resolved and checked address by address. */
  check(url: string): Promise<UrlCheck>;
}

export interface WebhookRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
  timeoutMs: number;
}

export interface WebhookResponse {
  statusCode: number;
  /** The Retry-After header, as sent. */
  retryAfter: string | null;
}

/** An attempt that got no HTTP answer: refused, reset, timed out, or an address not allowed. */
export class WebhookTransportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WebhookTransportError';
  }
}

export interface WebhookTransport {
  /** One POST; resolves with the answer (whatever its status), rejects with WebhookTransportError. */
  post(request: WebhookRequest): Promise<WebhookResponse>;
}

/** DNS, as the adapters need it (a port, so tests decide what a name resolves to). */
export interface HostResolver {
  lookup(hostname: string): Promise<Array<{ address: string; family: 4 | 6 }>>;
}

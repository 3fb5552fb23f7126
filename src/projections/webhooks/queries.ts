import type { Filter, ReadStore } from '../../ports/read-store';
import { WEBHOOK_DELIVERIES, WEBHOOKS, type DeliveryDoc, type WebhookDoc } from './projector';
import { pageWithTotal } from '../engine/page';

export async function listWebhooks(readStore: ReadStore, q: { active?: boolean; skip: number; limit: number }): Promise<{ items: WebhookDoc[]; total: number }> {
  const col = readStore.collection<WebhookDoc>(WEBHOOKS);
  const filter: Filter = q.active === undefined ? {} : { active: q.active };
  return pageWithTotal(col, filter, { sort: { created_at: -1, _id: -1 }, skip: q.skip, limit: q.limit });
}

export function getWebhook(readStore: ReadStore, webhookId: string): Promise<WebhookDoc | null> {
  return readStore.collection<WebhookDoc>(WEBHOOKS).findOne({ _id: webhookId });
}

/** Active webhooks subscribed to `event` that existed before `position` (the event's place in the log). */
export function webhooksFor(readStore: ReadStore, event: string, position: number): Promise<WebhookDoc[]> {
  return readStore.collection<WebhookDoc>(WEBHOOKS).find({ active: true, events: event, created_position: { $lt: position } });
}

/** Every active webhook (the dispatcher's round; there are tens, not thousands). */
export function activeWebhooks(readStore: ReadStore): Promise<WebhookDoc[]> {
  return readStore.collection<WebhookDoc>(WEBHOOKS).find({ active: true }, { sort: { created_at: -1, _id: -1 } });
}

export interface DeliveryListQuery {
  webhookId: string;
  status?: DeliveryDoc['status'];
  event?: string;
  skip: number;
  limit: number;
}

export async function listDeliveries(readStore: ReadStore, q: DeliveryListQuery): Promise<{ items: DeliveryDoc[]; total: number }> {
  const col = readStore.collection<DeliveryDoc>(WEBHOOK_DELIVERIES);
  const filter: Filter = { webhook_id: q.webhookId };
  // Served by (webhook_id, status, ...) or (webhook_id, event, ...); both given: the status index, the event checked on it.
  if (q.status) filter.status = q.status;
  if (q.event) filter.event = q.event;
  return pageWithTotal(col, filter, { sort: { source_position: -1, _id: -1 }, skip: q.skip, limit: q.limit });
}

export function getDelivery(readStore: ReadStore, deliveryId: string): Promise<DeliveryDoc | null> {
  return readStore.collection<DeliveryDoc>(WEBHOOK_DELIVERIES).findOne({ _id: deliveryId });
}

/** The oldest message still waiting for `webhookId`: deliveries to one webhook go in log order. */
export function nextPendingDelivery(readStore: ReadStore, webhookId: string): Promise<DeliveryDoc | null> {
  return readStore.collection<DeliveryDoc>(WEBHOOK_DELIVERIES).findOne({ webhook_id: webhookId, status: 'pending' }, { sort: { source_position: 1, _id: 1 } });
}

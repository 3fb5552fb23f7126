import type { Filter, ReadStore, SortSpec } from '../../ports/read-store';
import type { ServiceRequestStatus } from '../../domain/service-request';
import { SERVICE_REQUESTS, type ServiceRequestDoc, type ServiceRequestSummary } from './projector';
import { pageWithTotal } from '../engine/page';

export const SORTABLE_FIELDS = [
  'created_at',
  'updated_at',
  'id',
  'code',
  'status',
  'device_type',
  'brand',
  'model',
  'service_type',
  'requester_name',
] as const;
export type SortableField = (typeof SORTABLE_FIELDS)[number];

export interface ServiceRequestQuery {
  /** Only this requester's requests (a requester without the right to see all). */
  requesterId?: string;
  status?: ServiceRequestStatus;
  /** Case-insensitive match on code, serial number, device, brand, model, description or requester. */
  search?: string;
  sort: SortableField;
  order: 'asc' | 'desc';
  skip: number;
  limit: number;
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export async function listServiceRequests(
  readStore: ReadStore,
  q: ServiceRequestQuery,
): Promise<{ items: ServiceRequestSummary[]; total: number }> {
  const filter: Filter = {};
  if (q.requesterId) filter.requester_id = q.requesterId;
  if (q.status) filter.status = q.status;
  if (q.search) {
    const re = { $regex: escapeRegex(q.search), $options: 'i' };
    filter.$or = ['code', 'serial_number', 'device_type', 'brand', 'model', 'description', 'requester_name'].map((f) => ({
      [f]: re,
    }));
  }
  const dir = q.order === 'asc' ? 1 : -1;
  // id breaks ties so pages are stable when many requests share a sort value.
  const sort: SortSpec = q.sort === 'id' ? { id: dir } : { [q.sort]: dir, id: dir };
  const col = readStore.collection<ServiceRequestSummary>(SERVICE_REQUESTS);
  // Lists do not show the timeline; leaving it out keeps each page cheap to copy and send.
  return pageWithTotal(col, filter, { sort, skip: q.skip, limit: q.limit, projection: { timeline: 0 } });
}

export function getServiceRequest(readStore: ReadStore, requestId: number): Promise<ServiceRequestDoc | null> {
  return readStore.collection<ServiceRequestDoc>(SERVICE_REQUESTS).findOne({ _id: String(requestId) });
}

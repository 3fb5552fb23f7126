import { deciderSpec } from '../../../test/support/decider-spec';
import { ValidationError } from '../shared/errors';
import { serviceUsageDecider, type ServiceUsageCommand } from './decider';
import type { ServiceUsageEvent } from './events';

const spec = deciderSpec(serviceUsageDecider);
const t0 = '2026-01-15T12:00:00.000Z';
const command = (records: ServiceUsageCommand['records'], batchId = 'b2'): ServiceUsageCommand => ({
  type: 'RecordDailyUsage',
  subscriptionId: 7,
  customerId: 'c-1',
  month: '2026-01',
  records,
  batchId,
  now: t0,
});
const recorded = (date: string, downloadMb: number, uploadMb: number, previous: { downloadMb: number; uploadMb: number } | null, batchId = 'b2'): ServiceUsageEvent => ({
  type: 'DailyUsageRecorded',
  data: { subscriptionId: 7, customerId: 'c-1', date, downloadMb, uploadMb, previous, batchId, recordedAt: t0 },
});

describe('ServiceUsage decider (daily aggregates)', () => {
  it('records a day', () => {
    spec.given([]).when(command([{ date: '2026-01-02', downloadMb: 25_600, uploadMb: 5_200 }])).then([recorded('2026-01-02', 25_600, 5_200, null)]);
  });
  it('replaces a day given again, naming what it replaced; never adds', () => {
    spec
      .given([recorded('2026-01-02', 25_600, 5_200, null, 'b1')])
      .when(command([{ date: '2026-01-02', downloadMb: 30_000, uploadMb: 6_000 }]))
      .then([recorded('2026-01-02', 30_000, 6_000, { downloadMb: 25_600, uploadMb: 5_200 })]);
  });
  it('records nothing for a repeated batch with the same values', () => {
    spec.given([recorded('2026-01-02', 25_600, 5_200, null, 'b1')]).when(command([{ date: '2026-01-02', downloadMb: 25_600, uploadMb: 5_200 }])).thenNothing();
  });
  it('refuses a date of another month, a day twice in one batch, and impossible amounts', () => {
    spec.given([]).when(command([{ date: '2026-02-01', downloadMb: 1, uploadMb: 1 }])).thenThrows(ValidationError, (e) => expect(Object.keys(e.fields)).toEqual(['records.0.date']));
    spec
      .given([])
      .when(command([{ date: '2026-01-02', downloadMb: 1, uploadMb: 1 }, { date: '2026-01-02', downloadMb: 2, uploadMb: 2 }]))
      .thenThrows(ValidationError, (e) => expect(Object.keys(e.fields)).toEqual(['records.1.date']));
    spec.given([]).when(command([{ date: '2026-01-02', downloadMb: -1, uploadMb: 1.5 }])).thenThrows(ValidationError, (e) => expect(Object.keys(e.fields).sort()).toEqual(['records.0.download_gb', 'records.0.upload_gb']));
  });
});

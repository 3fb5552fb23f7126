import type { Decider } from '../shared/decider';
import { ValidationError } from '../shared/errors';
import type { ServiceUsageEvent } from './events';

/** One month of one service's usage: the current totals of each day recorded. */
export interface ServiceUsageState {
  days: Record<string, { downloadMb: number; uploadMb: number }>;
}

export interface DailyUsage {
  date: string;
  downloadMb: number;
  uploadMb: number;
}

export type ServiceUsageCommand = {
  type: 'RecordDailyUsage';
  subscriptionId: number;
  customerId: string;
  /** YYYY-MM: every record's date is in it (the stream is the month's). */
  month: string;
  records: readonly DailyUsage[];
  batchId: string;
  now: string;
};

export const initialServiceUsageState = (): ServiceUsageState => ({ days: {} });

export function evolveServiceUsage(state: ServiceUsageState, event: ServiceUsageEvent): ServiceUsageState {
  const d = event.data;
  return { days: { ...state.days, [d.date]: { downloadMb: d.downloadMb, uploadMb: d.uploadMb } } };
}

const MAX_MB = 100_000_000; // 100,000 GB in a day: beyond any line.

/**
 * Each record replaces its day's totals; a record equal to what the day holds records nothing
 * (a repeated batch changes nothing). Two records for one day in one command are refused (which
 * one would be meant?).
 */
export function decideServiceUsage(command: ServiceUsageCommand, state: ServiceUsageState): ServiceUsageEvent[] {
  const fields: Record<string, string[]> = {};
  const seen = new Set<string>();
  command.records.forEach((r, i) => {
    if (!r.date.startsWith(`${command.month}-`)) (fields[`records.${i}.date`] ??= []).push(`The date must be in ${command.month}.`);
    if (seen.has(r.date)) (fields[`records.${i}.date`] ??= []).push('The batch has this service and date twice.');
    seen.add(r.date);
    for (const [key, value] of [['download_gb', r.downloadMb], ['upload_gb', r.uploadMb]] as const) {
      if (!Number.isSafeInteger(value) || value < 0 || value > MAX_MB) (fields[`records.${i}.${key}`] ??= []).push(`The ${key} must be between 0 and ${MAX_MB / 1000}.`);
    }
  });
  if (Object.keys(fields).length) throw new ValidationError(fields);
  const events: ServiceUsageEvent[] = [];
  for (const r of command.records) {
    const current = state.days[r.date] ?? null;
    if (current && current.downloadMb === r.downloadMb && current.uploadMb === r.uploadMb) continue;
    events.push({
      type: 'DailyUsageRecorded',
      data: {
        subscriptionId: command.subscriptionId,
        customerId: command.customerId,
        date: r.date,
        downloadMb: r.downloadMb,
        uploadMb: r.uploadMb,
        previous: current,
        batchId: command.batchId,
        recordedAt: command.now,
      },
    });
  }
  return events;
}

export const serviceUsageDecider: Decider<ServiceUsageState, ServiceUsageCommand, ServiceUsageEvent> = {
  initialState: initialServiceUsageState,
  evolve: evolveServiceUsage,
  decide: decideServiceUsage,
};

import type { TicketPriority } from './events';

/**
 * The SLA: a ticket's deadline is its creation time plus the hours its priority allows, from
 * one table (configurable, SLA_HOURS). A warning is due once `warningPercent` of the allowed
 * time is left; a breach once the deadline has passed.
 */
export type SlaHours = Record<TicketPriority, number>;

export interface SlaPolicy {
  hours: SlaHours;
  /** Warn when this share (percent) of the SLA time is left. */
  warningPercent: number;
}

export const DEFAULT_SLA_HOURS: SlaHours = { emergency: 4, critical: 8, high: 24, normal: 48, low: 72 };
export const DEFAULT_SLA_WARNING_PERCENT = 25;
export const DEFAULT_SLA_POLICY: SlaPolicy = { hours: DEFAULT_SLA_HOURS, warningPercent: DEFAULT_SLA_WARNING_PERCENT };

const HOUR_MS = 3_600_000;

export function slaDeadline(createdAt: string, priority: TicketPriority, hours: SlaHours): string {
  return new Date(Date.parse(createdAt) + Math.round(hours[priority] * HOUR_MS)).toISOString();
}

/** When the warning becomes due: the deadline minus `warningPercent` of the SLA duration. */
export function slaWarningAt(createdAt: string, deadline: string, warningPercent: number): string {
  const start = Date.parse(createdAt);
  const end = Date.parse(deadline);
  return new Date(end - Math.round(((end - start) * warningPercent) / 100)).toISOString();
}

/** The longest warning window of the policy: no ticket can be due a warning earlier than this before its deadline. */
export function maxWarningWindowMs(policy: SlaPolicy): number {
  return Math.max(...Object.values(policy.hours)) * HOUR_MS * (policy.warningPercent / 100);
}

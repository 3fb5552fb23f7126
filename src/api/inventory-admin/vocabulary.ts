import type { AssignmentUsage, DeviceCondition } from '../../domain/device';

/**
 * Document 003's words for the canonical inventory vocabulary (DESIGN.md section 5), in one
 * place: device condition and assignment status.
 */
export const CONDITION_LABELS: Record<DeviceCondition, string> = { good: 'Baik', damaged: 'Rusak', needs_check: 'Perlu Pengecekan' };
export const CONDITION_VALUES = ['Baik', 'Rusak', 'Perlu Pengecekan'] as const;
export const conditionFromLabel = (label: (typeof CONDITION_VALUES)[number]): DeviceCondition =>
  (Object.entries(CONDITION_LABELS).find(([, l]) => l === label)![0] as DeviceCondition);

export const STATUS_LABELS: Record<AssignmentUsage, string> = { in_use: 'Digunakan', not_in_use: 'Tidak Digunakan', spare: 'Cadangan' };
export const STATUS_VALUES = ['Digunakan', 'Tidak Digunakan', 'Cadangan'] as const;
export const usageFromLabel = (label: (typeof STATUS_VALUES)[number]): AssignmentUsage =>
  (Object.entries(STATUS_LABELS).find(([, l]) => l === label)![0] as AssignmentUsage);

export const conditionLabel = (c: string): string => CONDITION_LABELS[c as DeviceCondition] ?? c;
export const statusLabel = (u: string): string => STATUS_LABELS[u as AssignmentUsage] ?? u;

/**
 * Document 003's activity log, derived from device and assignment events: one entry per event,
 * with the document's `type` values (its own spelling: `device-asigned`), a `Category`, and an
 * Indonesian title. Who did it and to whom are user ids, named when shown (a rename shows the
 * new name everywhere, and a rebuild gives the same entries).
 */
export interface ActivityKind {
  type: string;
  category: 'info' | 'success' | 'warning' | 'danger';
  title: string;
}

export const ACTIVITY_KINDS: Record<string, ActivityKind> = {
  DeviceRegistered: { type: 'device-created', category: 'info', title: 'Perangkat Ditambahkan' },
  DeviceUpdated: { type: 'device-updated', category: 'info', title: 'Perangkat Diperbarui' },
  DeviceAssigned: { type: 'device-asigned', category: 'warning', title: 'Perangkat Ditugaskan' },
  DeviceAssignmentUpdated: { type: 'assignment-updated', category: 'info', title: 'Penugasan Diperbarui' },
  DeviceReturned: { type: 'device-returned', category: 'success', title: 'Perangkat Dikembalikan' },
  DeviceAssignmentCancelled: { type: 'assignment-cancelled', category: 'info', title: 'Penugasan Dibatalkan' },
  DeviceDeleted: { type: 'device-deleted', category: 'warning', title: 'Perangkat Dihapus' },
};

export const ACTIVITY_TYPES = [...new Set(Object.values(ACTIVITY_KINDS).map((k) => k.type))];
export const ACTIVITY_CATEGORIES = ['info', 'success', 'warning', 'danger'] as const;

/** "Dell Latitude 5420": what the entries call a device. */
export const deviceLabel = (d: { brand: string; model: string }): string => `${d.brand} ${d.model}`.trim();

import { ValidationError } from '../../../domain/shared/errors';

/**
 * Sync tokens. A token names the log position P up to which the read models had applied every
 * event when the sync ran, and the account it was issued to. The next sync returns what changed
 * at positions in (P, P'], so nothing changed between two syncs is missed and nothing unchanged
 * comes back. Positions are only compared, never counted (they need not be contiguous).
 *
 * `st1.` + base64url(JSON `{ "p": P, "u": userId }`). It is opaque to clients and not signed: a
 * made-up position only changes which of the caller's own changes come back.
 */
const PREFIX = 'st1.';

export interface SyncToken {
  position: number;
  userId: string;
}

export function encodeSyncToken(token: SyncToken): string {
  return PREFIX + Buffer.from(JSON.stringify({ p: token.position, u: token.userId }), 'utf8').toString('base64url');
}

export function decodeSyncToken(raw: string): SyncToken | null {
  if (!raw.startsWith(PREFIX)) return null;
  try {
    const parsed = JSON.parse(Buffer.from(raw.slice(PREFIX.length), 'base64url').toString('utf8')) as { p?: unknown; u?: unknown };
    if (typeof parsed.p !== 'number' || !Number.isSafeInteger(parsed.p) || parsed.p < 0 || typeof parsed.u !== 'string') return null;
    return { position: parsed.p, userId: parsed.u };
  } catch {
    return null;
  }
}

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/i;

/** Where a sync starts: everything, after a token's position, or after a point in time. */
export type SyncStart = { kind: 'full' } | { kind: 'token'; position: number } | { kind: 'since'; since: string };

/**
 * `last_sync` is the `sync_token` of the previous sync; for devices that only kept a time (the
 * document calls the field a timestamp), an ISO-8601 timestamp with a time zone, meaning
 * "changes made after this time"; absent, null or empty: a first (full) sync.
 */
export function parseLastSync(value: string | null | undefined, userId: string): SyncStart {
  if (value === undefined || value === null || value.trim() === '') return { kind: 'full' };
  const raw = value.trim();
  if (raw.startsWith(PREFIX)) {
    const token = decodeSyncToken(raw);
    if (!token) throw new ValidationError({ last_sync: ['The last sync token is malformed.'] });
    if (token.userId !== userId) {
      throw new ValidationError({ last_sync: ['The last sync token was issued to another account; sync without last_sync.'] });
    }
    return { kind: 'token', position: token.position };
  }
  if (ISO.test(raw) && !Number.isNaN(Date.parse(raw))) return { kind: 'since', since: new Date(Date.parse(raw)).toISOString() };
  throw new ValidationError({
    last_sync: ['The last sync must be the sync_token of a previous sync or an ISO-8601 timestamp with a time zone.'],
  });
}

import type { SessionEvent } from '../../domain/session';
import type { Doc } from '../../ports/read-store';
import { applyOnce, type ProjectedEvent, type Projector } from '../engine/projector';

export const AUTH_SESSIONS = 'auth_sessions';

export interface AuthSessionDoc extends Doc {
  user_id: string;
  audience: string;
  started_at: string;
  expires_at: string;
  revoked: boolean;
  revoked_reason: string | null;
  revoked_at: string | null;
}

/** Login sessions, so every request can check in one lookup that its session was not revoked. */
export const authSessionsProjector: Projector = {
  name: 'auth_sessions',
  handles: ['SessionStarted', 'RefreshTokenRotated', 'SessionRevoked'],
  collections: { [AUTH_SESSIONS]: [{ keys: { user_id: 1, started_at: -1 } }] },
  async apply(raw, ctx) {
    const event = raw as ProjectedEvent & SessionEvent;
    const sessions = ctx.collection<AuthSessionDoc>(AUTH_SESSIONS);
    switch (event.type) {
      case 'SessionStarted':
        await applyOnce(
          sessions,
          event.data.sessionId,
          event.position,
          {
            $set: {
              user_id: event.data.userId,
              audience: event.data.audience,
              started_at: event.data.startedAt,
              expires_at: event.data.expiresAt,
              revoked: false,
              revoked_reason: null,
              revoked_at: null,
            },
          },
          { upsert: true },
        );
        return;
      case 'RefreshTokenRotated':
        await applyOnce(sessions, event.data.sessionId, event.position, { $set: { expires_at: event.data.expiresAt } });
        return;
      case 'SessionRevoked':
        await applyOnce(sessions, event.data.sessionId, event.position, {
          $set: { revoked: true, revoked_reason: event.data.reason, revoked_at: event.data.revokedAt },
        });
        return;
    }
  },
};

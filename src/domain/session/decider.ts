import type { Decider } from '../shared/decider';
import { IllegalStateError, UnauthenticatedError } from '../shared/errors';
import type { Audience, SessionEvent } from './events';

/**
 * A login session is a refresh-token family. Every refresh rotates the token; presenting a
 * token that was already rotated away means it leaked, so the whole family is revoked.
 */
export interface SessionState {
  exists: boolean;
  sessionId: string;
  userId: string;
  audience: Audience;
  currentTokenId: string;
  expiresAt: string;
  startedAt: string;
  revoked: boolean;
}

export type SessionCommand =
  | {
      type: 'StartSession';
      sessionId: string;
      userId: string;
      audience: Audience;
      refreshTokenId: string;
      expiresAt: string;
      now: string;
    }
  | { type: 'RotateRefreshToken'; presentedTokenId: string; refreshTokenId: string; expiresAt: string; now: string }
  | { type: 'RevokeSession'; reason: 'logout' | 'password_changed' | 'user_deactivated'; now: string };

export const initialSessionState = (): SessionState => ({
  exists: false,
  sessionId: '',
  userId: '',
  audience: 'staff',
  currentTokenId: '',
  expiresAt: '',
  startedAt: '',
  revoked: false,
});

export function evolveSession(state: SessionState, event: SessionEvent): SessionState {
  switch (event.type) {
    case 'SessionStarted':
      return {
        exists: true,
        sessionId: event.data.sessionId,
        userId: event.data.userId,
        audience: event.data.audience,
        currentTokenId: event.data.refreshTokenId,
        expiresAt: event.data.expiresAt,
        startedAt: event.data.startedAt,
        revoked: false,
      };
    case 'RefreshTokenRotated':
      return { ...state, currentTokenId: event.data.refreshTokenId, expiresAt: event.data.expiresAt };
    case 'SessionRevoked':
      return { ...state, revoked: true };
  }
}

export function decideSession(command: SessionCommand, state: SessionState): SessionEvent[] {
  if (command.type === 'StartSession') {
    if (state.exists) throw new IllegalStateError('Session already started');
    const { type: _t, now, ...data } = command;
    return [{ type: 'SessionStarted', data: { ...data, startedAt: now } }];
  }
  if (!state.exists) throw new UnauthenticatedError('Unknown session', 'invalid');
  const base = { sessionId: state.sessionId };
  switch (command.type) {
    case 'RotateRefreshToken':
      if (state.revoked) throw new UnauthenticatedError('Session has been revoked', 'revoked');
      if (command.presentedTokenId !== state.currentTokenId) {
        // Reuse of a rotated token: revoke the family. The caller answers 401 after appending this.
        return [
          { type: 'SessionRevoked', data: { ...base, userId: state.userId, reason: 'refresh_token_reuse', revokedAt: command.now } },
        ];
      }
      if (Date.parse(state.expiresAt) <= Date.parse(command.now)) {
        throw new UnauthenticatedError('Refresh token has expired', 'expired');
      }
      return [
        {
          type: 'RefreshTokenRotated',
          data: {
            ...base,
            previousTokenId: state.currentTokenId,
            refreshTokenId: command.refreshTokenId,
            expiresAt: command.expiresAt,
            rotatedAt: command.now,
          },
        },
      ];
    case 'RevokeSession':
      if (state.revoked) return [];
      return [{ type: 'SessionRevoked', data: { ...base, userId: state.userId, reason: command.reason, revokedAt: command.now } }];
  }
}

export const sessionDecider: Decider<SessionState, SessionCommand, SessionEvent> = {
  initialState: initialSessionState,
  evolve: evolveSession,
  decide: decideSession,
};

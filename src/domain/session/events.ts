import { z } from 'zod';
import { defineEvent, type EventOf } from '../shared/events';

/** Which API a session's tokens are good for: staff APIs, or the customer portal only. */
export const AUDIENCES = ['staff', 'portal'] as const;
export type Audience = (typeof AUDIENCES)[number];

export const SessionStarted = defineEvent(
  'SessionStarted',
  z.object({
    sessionId: z.string(),
    userId: z.string(),
    audience: z.enum(AUDIENCES),
    refreshTokenId: z.string(),
    expiresAt: z.string(),
    startedAt: z.string(),
  }),
);
export const RefreshTokenRotated = defineEvent(
  'RefreshTokenRotated',
  z.object({
    sessionId: z.string(),
    previousTokenId: z.string(),
    refreshTokenId: z.string(),
    expiresAt: z.string(),
    rotatedAt: z.string(),
  }),
);
export const SessionRevoked = defineEvent(
  'SessionRevoked',
  z.object({
    sessionId: z.string(),
    userId: z.string(),
    reason: z.enum(['logout', 'refresh_token_reuse', 'password_changed', 'user_deactivated']),
    revokedAt: z.string(),
  }),
);

export const sessionEvents = [SessionStarted, RefreshTokenRotated, SessionRevoked];
export type SessionEvent = EventOf<typeof SessionStarted> | EventOf<typeof RefreshTokenRotated> | EventOf<typeof SessionRevoked>;
export const sessionStream = (sessionId: string): string => `session-${sessionId}`;

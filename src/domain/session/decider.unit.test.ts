import { deciderSpec } from '../../../test/support/decider-spec';
import { IllegalStateError, UnauthenticatedError } from '../shared/errors';
import { sessionDecider } from './decider';
import type { SessionEvent } from './events';

const spec = deciderSpec(sessionDecider);
const t0 = '2026-01-01T00:00:00.000Z';
const t1 = '2026-01-01T01:00:00.000Z';
const started: SessionEvent = {
  type: 'SessionStarted',
  data: { sessionId: 's1', userId: 'u1', audience: 'staff', refreshTokenId: 'r1', expiresAt: '2026-01-31T00:00:00.000Z', startedAt: t0 },
};
const rotated: SessionEvent = {
  type: 'RefreshTokenRotated',
  data: { sessionId: 's1', previousTokenId: 'r1', refreshTokenId: 'r2', expiresAt: '2026-01-31T01:00:00.000Z', rotatedAt: t1 },
};

describe('Session decider (refresh-token family)', () => {
  it('starts a session', () => {
    const { startedAt: _s, ...d } = started.data;
    spec.given([]).when({ type: 'StartSession', ...d, now: t0 }).then([started]);
  });

  it('refuses to start a session twice', () => {
    const { startedAt: _s, ...d } = started.data;
    spec.given([started]).when({ type: 'StartSession', ...d, now: t0 }).thenThrows(IllegalStateError);
  });

  it('rotates the current refresh token', () => {
    spec
      .given([started])
      .when({ type: 'RotateRefreshToken', presentedTokenId: 'r1', refreshTokenId: 'r2', expiresAt: '2026-01-31T01:00:00.000Z', now: t1 })
      .then([rotated]);
  });

  it('revokes the whole family when a rotated token is presented again', () => {
    spec
      .given([started, rotated])
      .when({ type: 'RotateRefreshToken', presentedTokenId: 'r1', refreshTokenId: 'r3', expiresAt: t1, now: t1 })
      .then([{ type: 'SessionRevoked', data: { sessionId: 's1', userId: 'u1', reason: 'refresh_token_reuse', revokedAt: t1 } }]);
  });

  it('refuses to rotate a revoked session', () => {
    const revoked: SessionEvent = { type: 'SessionRevoked', data: { sessionId: 's1', userId: 'u1', reason: 'logout', revokedAt: t1 } };
    spec
      .given([started, revoked])
      .when({ type: 'RotateRefreshToken', presentedTokenId: 'r1', refreshTokenId: 'r2', expiresAt: t1, now: t1 })
      .thenThrows(UnauthenticatedError, (e) => expect(e.reason).toBe('revoked'));
  });

  it('refuses an expired refresh token', () => {
    spec
      .given([started])
      .when({ type: 'RotateRefreshToken', presentedTokenId: 'r1', refreshTokenId: 'r2', expiresAt: t1, now: '2026-02-01T00:00:00.000Z' })
      .thenThrows(UnauthenticatedError, (e) => expect(e.reason).toBe('expired'));
  });

  it('refuses to rotate a session that never started', () => {
    spec
      .given([])
      .when({ type: 'RotateRefreshToken', presentedTokenId: 'r1', refreshTokenId: 'r2', expiresAt: t1, now: t1 })
      .thenThrows(UnauthenticatedError);
  });

  it('logs out once; a second logout changes nothing', () => {
    const revoked: SessionEvent = { type: 'SessionRevoked', data: { sessionId: 's1', userId: 'u1', reason: 'logout', revokedAt: t1 } };
    spec.given([started]).when({ type: 'RevokeSession', reason: 'logout', now: t1 }).then([revoked]);
    spec.given([started, revoked]).when({ type: 'RevokeSession', reason: 'logout', now: t1 }).thenNothing();
  });
});

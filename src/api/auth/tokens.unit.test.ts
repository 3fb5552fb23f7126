import jwt from 'jsonwebtoken';
import { UnauthenticatedError } from '../../domain/shared/errors';
import { ManualClock, sequentialIds } from '../../../test/support/clock';
import { TokenService } from './tokens';

const SECRET = 's'.repeat(40);
const session = { userId: 'u-1', role: 'manager', sessionId: 'sess-1', sessionStartedAt: '2026-01-15T11:00:00.000Z' };

function service() {
  const clock = new ManualClock('2026-01-15T12:00:00.000Z');
  const tokens = new TokenService({ secret: SECRET, accessTtlSeconds: 900, clock, ids: sequentialIds() });
  return { clock, tokens };
}

const reason = (fn: () => unknown): string => {
  try {
    fn();
  } catch (err) {
    if (err instanceof UnauthenticatedError) return err.message;
    throw err;
  }
  return 'accepted';
};

describe('TokenService access tokens', () => {
  it('accepts its own token for its audience, again and again, with the same claims', () => {
    const { tokens } = service();
    const token = tokens.signAccess({ ...session, audience: 'staff' });
    const first = tokens.verifyAccess(token, 'staff');
    expect(first).toMatchObject({ sub: 'u-1', role: 'manager', sid: 'sess-1', typ: 'access' });
    // A caller changing what it got back changes nothing for the next request.
    (first as { role: string }).role = 'super_admin';
    expect(tokens.verifyAccess(token, 'staff').role).toBe('manager');
  });

  it('refuses it for the other audience, also after it was accepted for its own', () => {
    const { tokens } = service();
    const token = tokens.signAccess({ ...session, audience: 'portal' });
    expect(reason(() => tokens.verifyAccess(token, 'staff'))).toBe('Invalid token');
    tokens.verifyAccess(token, 'portal');
    expect(reason(() => tokens.verifyAccess(token, 'staff'))).toBe('Invalid token');
  });

  it('refuses it once expired by the injected clock, also after it was accepted', () => {
    const { clock, tokens } = service();
    const token = tokens.signAccess({ ...session, audience: 'staff' });
    tokens.verifyAccess(token, 'staff');
    clock.advance(899_000);
    expect(tokens.verifyAccess(token, 'staff').sub).toBe('u-1');
    clock.advance(1_000);
    expect(reason(() => tokens.verifyAccess(token, 'staff'))).toBe('Token has expired');
  });

  it('refuses a token changed after signing, another algorithm, another key, and a refresh token', () => {
    const { clock, tokens } = service();
    const token = tokens.signAccess({ ...session, audience: 'staff' });
    tokens.verifyAccess(token, 'staff');
    const [header, payload, signature] = token.split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString('utf8')) as Record<string, unknown>;
    const forged = Buffer.from(JSON.stringify({ ...claims, role: 'super_admin' })).toString('base64url');
    expect(reason(() => tokens.verifyAccess(`${header}.${forged}.${signature}`, 'staff'))).toBe('Invalid token');

    const now = Math.floor(clock.now().getTime() / 1000);
    const base = { ...claims, iat: now, exp: now + 60 };
    expect(reason(() => tokens.verifyAccess(jwt.sign(base, SECRET, { algorithm: 'HS512' }), 'staff'))).toBe('Invalid token');
    expect(reason(() => tokens.verifyAccess(jwt.sign(base, 'x'.repeat(40), { algorithm: 'HS256' }), 'staff'))).toBe('Invalid token');
    const unsigned = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${Buffer.from(JSON.stringify(base)).toString('base64url')}.`;
    expect(reason(() => tokens.verifyAccess(unsigned, 'staff'))).toBe('Invalid token');

    const refresh = tokens.signRefresh({ userId: 'u-1', sessionId: 'sess-1', tokenId: 'r-1', expiresAt: '2026-02-15T12:00:00.000Z', audience: 'staff' });
    expect(reason(() => tokens.verifyAccess(refresh, 'staff'))).toBe('Invalid token');
  });
});

import { createSecretKey, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { UnauthenticatedError } from '../../domain/shared/errors';
import type { Clock, IdGenerator } from '../../ports/clock';

/**
 * JWTs for every API: HS256 pinned on sign and verify, issuer and audience checked, time from
 * the injected clock. Access tokens are short-lived; refresh tokens name their session (the
 * refresh family) and their own id, which the session rotates on every use.
 */

const ALGORITHM = 'HS256' as const;
const ISSUER = 'isp-ops';

export interface AccessClaims {
  sub: string;
  role: string;
  sid: string;
  /** Session start time (ms): sessions that predate a password change are refused. */
  sst: number;
  typ: 'access';
}

export interface RefreshClaims {
  sub: string;
  sid: string;
  jti: string;
  typ: 'refresh';
}

export interface TokenServiceOptions {
  secret: string;
  accessTtlSeconds: number;
  clock: Clock;
  ids: IdGenerator;
}

export type Audience = 'staff' | 'portal';

export class TokenService {
  /** A KeyObject made once: given a string, jsonwebtoken first tries (and fails) to parse it
   * as a PEM public key on every sign and verify, which costs more than the HMAC itself. */
  private readonly key: KeyObject;

  constructor(private readonly options: TokenServiceOptions) {
    this.key = createSecretKey(Buffer.from(options.secret, 'utf8'));
  }

  get accessTtlSeconds(): number {
    return this.options.accessTtlSeconds;
  }

  private nowSeconds(): number {
    return Math.floor(this.options.clock.now().getTime() / 1000);
  }

  signAccess(input: { userId: string; role: string; sessionId: string; sessionStartedAt: string; audience: Audience }): string {
    const claims = {
      role: input.role,
      sid: input.sessionId,
      sst: Date.parse(input.sessionStartedAt),
      typ: 'access',
      iat: this.nowSeconds(),
    };
    return jwt.sign(claims, this.key, {
      algorithm: ALGORITHM,
      expiresIn: this.options.accessTtlSeconds,
      issuer: ISSUER,
      audience: input.audience,
      subject: input.userId,
      jwtid: this.options.ids.uuid(),
    });
  }

  signRefresh(input: { userId: string; sessionId: string; tokenId: string; expiresAt: string; audience: Audience }): string {
    const iat = this.nowSeconds();
    const exp = Math.max(iat + 1, Math.floor(Date.parse(input.expiresAt) / 1000));
    return jwt.sign({ sid: input.sessionId, typ: 'refresh', iat, exp }, this.key, {
      algorithm: ALGORITHM,
      issuer: ISSUER,
      audience: input.audience,
      subject: input.userId,
      jwtid: input.tokenId,
    });
  }

  verifyAccess(token: string, audience: Audience): AccessClaims {
    const claims = this.verify(token, audience);
    if (claims.typ !== 'access' || typeof claims.sid !== 'string' || typeof claims.role !== 'string') {
      throw new UnauthenticatedError('Invalid token', 'invalid');
    }
    return claims as unknown as AccessClaims;
  }

  verifyRefresh(token: string, audience: Audience): RefreshClaims {
    const claims = this.verify(token, audience);
    if (claims.typ !== 'refresh' || typeof claims.sid !== 'string' || typeof claims.jti !== 'string') {
      throw new UnauthenticatedError('Invalid refresh token', 'invalid');
    }
    return claims as unknown as RefreshClaims;
  }

  private verify(token: string, audience: Audience): Record<string, unknown> {
    try {
      const decoded = jwt.verify(token, this.key, {
        algorithms: [ALGORITHM],
        issuer: ISSUER,
        audience,
        clockTimestamp: this.nowSeconds(),
      });
      if (typeof decoded === 'string' || typeof decoded.sub !== 'string') throw new Error('unexpected payload');
      return decoded as Record<string, unknown>;
    } catch (err) {
      if (err instanceof jwt.TokenExpiredError) throw new UnauthenticatedError('Token has expired', 'expired');
      throw new UnauthenticatedError('Invalid token', 'invalid');
    }
  }
}

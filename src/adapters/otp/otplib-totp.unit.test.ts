import { ManualClock } from '../../../test/support/clock';
import { base32Decode, base32Encode } from './base32';
import { createOtplibTotp } from './otplib-totp';

describe('TOTP on otplib (the injected clock decides the time)', () => {
  const totp = createOtplibTotp({ skewSteps: 1 });

  it('round-trips Base32 (RFC 4648 vectors)', () => {
    const enc = (s: string) => base32Encode(new TextEncoder().encode(s));
    expect(enc('f')).toBe('MY');
    expect(enc('fooba')).toBe('MZXW6YTB');
    expect(enc('foobar')).toBe('MZXW6YTBOI');
    expect(new TextDecoder().decode(base32Decode('mzxw6ytboi======'))).toBe('foobar');
  });

  it('matches the RFC 6238 SHA-1 test vector', async () => {
    const secret = base32Encode(new TextEncoder().encode('12345678901234567890'));
    // T = 59 s: 94287082 with 8 digits, so 287082 with 6.
    expect(await totp.codeAt(secret, new Date(59_000))).toBe('287082');
    expect(await totp.check(secret, '287082', new Date(59_000))).toBe(1);
  });

  it('accepts a code one step early or late, not two; says which step it matched', async () => {
    const clock = new ManualClock('2026-01-15T12:00:00.000Z');
    const secret = totp.generateSecret();
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    const code = await totp.codeAt(secret, clock.now());
    const step = Math.floor(clock.now().getTime() / 30_000);
    expect(await totp.check(secret, code, clock.now())).toBe(step);
    clock.advance(30_000);
    expect(await totp.check(secret, code, clock.now())).toBe(step);
    clock.advance(30_000);
    expect(await totp.check(secret, code, clock.now())).toBeNull();
    clock.set('2026-01-15T11:59:30.000Z');
    expect(await totp.check(secret, code, clock.now())).toBe(step);
    expect(await totp.check(secret, 'abcdef', clock.now())).toBeNull();
    expect(await totp.check('not base32!', code, clock.now())).toBeNull();
  });

  it('gives an otpauth URI for authenticator apps', () => {
    expect(totp.uri({ secret: 'JBSWY3DPEHPK3PXP', issuer: 'ISP Portal', label: 'ACD34679' })).toBe(
      'otpauth://totp/ISP%20Portal:ACD34679?secret=JBSWY3DPEHPK3PXP&issuer=ISP%20Portal&algorithm=SHA1&digits=6&period=30',
    );
  });
});

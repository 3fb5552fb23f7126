import { randomBytes } from 'node:crypto';
import { NodeCryptoPlugin } from '@otplib/plugin-crypto-node';
import { TOTP } from '@otplib/totp';
import type { Totp } from '../../ports/totp';
import { base32Decode, base32Encode } from './base32';

/**
 * The Totp port on otplib (@otplib/totp with Node's crypto): RFC 6238, 30-second steps,
 * 6 digits, SHA-1, codes compared in constant time. `skewSteps` steps either side of the
 * current one are accepted (default 1: a code from the previous or next 30 seconds), for clocks
 * that drift. The secret is 20 random bytes (160 bits, RFC 4226's recommendation), Base32.
 *
 * (The `otplib` meta-package loads an ES-module-only Base32 plugin that the CommonJS test
 * runner cannot require; the TOTP module and the Node crypto plugin are the same library
 * without it, and Base32 is ./base32.ts.)
 */
const PERIOD = 30;

export function createOtplibTotp(options: { skewSteps?: number } = {}): Totp {
  const tolerance = (options.skewSteps ?? 1) * PERIOD;
  const crypto = new NodeCryptoPlugin();
  const totpOf = (secret: string) => new TOTP({ secret: base32Decode(secret), crypto, period: PERIOD, digits: 6, algorithm: 'sha1' });
  const epochOf = (at: Date) => Math.floor(at.getTime() / 1000);
  return {
    generateSecret: () => base32Encode(new Uint8Array(randomBytes(20))),
    uri({ secret, issuer, label }) {
      const name = `${encodeURIComponent(issuer)}:${encodeURIComponent(label)}`;
      return `otpauth://totp/${name}?secret=${secret}&issuer=${encodeURIComponent(issuer)}&algorithm=SHA1&digits=6&period=${PERIOD}`;
    },
    async check(secret, code, at) {
      if (!/^\d{6}$/.test(code)) return null;
      let totp: TOTP;
      try {
        totp = totpOf(secret);
      } catch {
        return null;
      }
      const result = await totp.verify(code, { epoch: epochOf(at), epochTolerance: tolerance });
      return result.valid ? result.timeStep : null;
    },
    codeAt: (secret, at) => totpOf(secret).generate({ epoch: epochOf(at) }),
  };
}

import { randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import type { PasswordHasher } from '../../ports/password-hasher';

function scrypt(password: string, salt: Buffer, keylen: number, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scryptCb(password, salt, keylen, options, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

/**
 * scrypt from Node's crypto. Stored as `scrypt$N$r$p$salt$key` (base64url), so the cost can be
 * raised later without invalidating existing hashes. Default N=2^15, r=8, p=1 (32 MiB, ~50 ms).
 */
export function createScryptPasswordHasher(options: { cost?: number } = {}): PasswordHasher {
  const N = options.cost ?? 2 ** 15;
  const r = 8;
  const p = 1;
  const keylen = 32;
  const maxmem = 256 * N * r;
  return {
    async hash(password) {
      const salt = randomBytes(16);
      const key = await scrypt(password, salt, keylen, { N, r, p, maxmem });
      return ['scrypt', N, r, p, salt.toString('base64url'), key.toString('base64url')].join('$');
    },
    async verify(password, stored) {
      const parts = stored.split('$');
      if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
      const [, n, rr, pp, saltB64, keyB64] = parts as [string, string, string, string, string, string];
      const expected = Buffer.from(keyB64, 'base64url');
      const opts = { N: Number(n), r: Number(rr), p: Number(pp), maxmem: 256 * Number(n) * Number(rr) };
      const actual = await scrypt(password, Buffer.from(saltB64, 'base64url'), expected.length, opts);
      return actual.length === expected.length && timingSafeEqual(actual, expected);
    },
  };
}

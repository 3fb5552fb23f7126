/**
 * Time-based one-time passwords (RFC 6238: 30-second steps, 6 digits, HMAC-SHA1, as every
 * authenticator app has them) for the portal's two-factor authentication. The adapter
 * (src/adapters/otp/) checks a code against a secret at a given instant (the injected clock's),
 * within a small clock-skew window, and says which time step it matched, so the domain can
 * refuse a code whose step was already used.
 */
export interface Totp {
  /** A new random secret, Base32 (what authenticator apps are given). */
  generateSecret(): string;
  /** The otpauth:// URI for a QR code. */
  uri(input: { secret: string; issuer: string; label: string }): string;
  /** The time step `code` matches at `at` within the skew window, or null when it matches none. */
  check(secret: string, code: string, at: Date): Promise<number | null>;
  /** The code of `secret` at `at` (tests, and nothing else). */
  codeAt(secret: string, at: Date): Promise<string>;
}

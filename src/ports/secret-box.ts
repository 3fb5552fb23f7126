/**
 * Encryption at rest for credentials the product must be able to use again (PPPoE passwords,
 * router logins, gateway keys): what is stored in events and read models is the sealed form,
 * never the clear text. Unlike passwords (src/ports/password-hasher.ts), these are reversible.
 */
export interface SecretBox {
  /** Sealed text, safe to store: `v1.<iv>.<tag>.<ciphertext>` (base64url parts). */
  seal(plain: string): string;
  /** The clear text; throws when the sealed text was altered or sealed with another key. */
  open(sealed: string): string;
  /** Whether a stored value is a sealed one (and not clear text from before encryption). */
  isSealed(value: string): boolean;
}

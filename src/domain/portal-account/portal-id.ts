/**
 * Portal IDs: 8 characters from an alphabet without look-alikes (no 0/O/D-confusables such as
 * O and 0, no 1/I/L, no 2/Z, no 5/S, no 8/B, no U (read as V)), drawn at random by the command layer
 * (crypto.randomInt: unguessable, not in sequence) and made unique by a reservation. 24^8 ≈ 1.1e11
 * values. Customers type them in, so they are matched case-insensitively.
 */
export const PORTAL_ID_ALPHABET = 'ACDEFGHJKMNPQRTVWXY34679';
export const PORTAL_ID_LENGTH = 8;

const FORMAT = new RegExp(`^[${PORTAL_ID_ALPHABET}]{${PORTAL_ID_LENGTH}}$`);

/** The Portal ID as stored (upper case, trimmed). */
export const normalisePortalId = (value: string): string => value.trim().toUpperCase();

export const isPortalId = (value: string): boolean => FORMAT.test(normalisePortalId(value));

/** A Portal ID from `PORTAL_ID_LENGTH` random indexes into the alphabet. */
export function portalIdFrom(randomIndex: (maxExclusive: number) => number): string {
  let id = '';
  for (let i = 0; i < PORTAL_ID_LENGTH; i++) id += PORTAL_ID_ALPHABET[randomIndex(PORTAL_ID_ALPHABET.length)];
  return id;
}

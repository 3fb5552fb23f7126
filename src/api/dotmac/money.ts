/**
 * Document 004 writes money as decimals in the currency's major unit (59.99); the domain keeps
 * integer minor units plus a currency. One conversion, here. The minor unit is the one the
 * billing domain uses: whole rupiah for IDR (document 002's amounts), as for the other
 * currencies without a minor unit in use; three decimals for the dinars; two for the rest.
 */
const ZERO = new Set(['IDR', 'JPY', 'KRW', 'VND', 'CLP', 'ISK', 'UGX', 'XAF', 'XOF', 'XPF', 'PYG', 'RWF', 'KMF', 'GNF', 'DJF', 'BIF', 'VUV']);
const THREE = new Set(['BHD', 'JOD', 'KWD', 'OMR', 'TND', 'IQD', 'LYD']);

export function minorDigits(currency: string): number {
  const c = currency.toUpperCase();
  return ZERO.has(c) ? 0 : THREE.has(c) ? 3 : 2;
}

/** Minor units → the document's decimal amount. */
export function fromMinor(minor: number, currency: string): number {
  const digits = minorDigits(currency);
  return digits === 0 ? minor : Number((minor / 10 ** digits).toFixed(digits));
}

/** The document's decimal amount → minor units; null when it has more decimals than the currency. */
export function toMinor(amount: number, currency: string): number | null {
  if (!Number.isFinite(amount)) return null;
  const scaled = amount * 10 ** minorDigits(currency);
  const rounded = Math.round(scaled);
  if (Math.abs(scaled - rounded) > 1e-6 || !Number.isSafeInteger(rounded)) return null;
  return rounded;
}

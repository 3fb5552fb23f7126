/**
 * Money is integer minor units plus a currency (DESIGN.md §3). Documents that show decimal
 * amounts (document 004: `"monthly_price": 59.99`) convert at their edge with these two.
 *
 * How many decimals a currency's minor unit has: ISO 4217's, except IDR, whose minor unit in
 * this product is the rupiah itself (document 002 bills whole rupiah; BILLING_CURRENCY), so
 * 350000 minor units of IDR are shown as 350000, and 5999 of USD as 59.99.
 */
const OVERRIDES: Record<string, number> = { IDR: 0 };
const cache = new Map<string, number>();

export function currencyDecimals(currency: string): number {
  const code = currency.toUpperCase();
  const known = OVERRIDES[code] ?? cache.get(code);
  if (known !== undefined) return known;
  let digits = 2;
  try {
    digits = new Intl.NumberFormat('en', { style: 'currency', currency: code }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    digits = 2;
  }
  cache.set(code, digits);
  return digits;
}

/** 5999 USD → 59.99; 350000 IDR → 350000. */
export function toMajor(minor: number, currency: string): number {
  const d = currencyDecimals(currency);
  return d === 0 ? minor : Number((minor / 10 ** d).toFixed(d));
}

/**
 * 59.99 USD → 5999. Null when the amount has more decimals than the currency has (59.999 USD,
 * 10.5 IDR), is negative, or is too large to count exactly.
 */
export function toMinor(major: number, currency: string): number | null {
  if (!Number.isFinite(major) || major < 0) return null;
  const d = currencyDecimals(currency);
  const scaled = Math.round(major * 10 ** d);
  // The decimal given must be exactly representable in minor units (allowing binary noise).
  if (Math.abs(scaled - major * 10 ** d) > 1e-6 * Math.max(1, Math.abs(scaled))) return null;
  if (!Number.isSafeInteger(scaled)) return null;
  return scaled;
}

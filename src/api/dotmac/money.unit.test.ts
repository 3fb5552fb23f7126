import { fromMinor, minorDigits, toMinor } from './money';

describe('document 004 money (decimals) ↔ minor units', () => {
  it('uses whole rupiah for IDR, cents for USD, three decimals for dinars', () => {
    expect(minorDigits('IDR')).toBe(0);
    expect(minorDigits('usd')).toBe(2);
    expect(minorDigits('KWD')).toBe(3);
  });
  it('converts both ways without float drift', () => {
    expect(fromMinor(300_000, 'IDR')).toBe(300_000);
    expect(fromMinor(6479, 'USD')).toBe(64.79);
    expect(toMinor(64.79, 'USD')).toBe(6479);
    expect(toMinor(0.1 + 0.2, 'USD')).toBe(30);
    expect(toMinor(300_000, 'IDR')).toBe(300_000);
  });
  it('refuses more decimals than the currency has', () => {
    expect(toMinor(64.795, 'USD')).toBeNull();
    expect(toMinor(10.5, 'IDR')).toBeNull();
    expect(toMinor(Number.NaN, 'USD')).toBeNull();
  });
});

import { loadBrand } from '../../../commands/billing/brands';
import type { BillingCommandDeps } from '../../../commands/billing/deps';
import type { CustomerChanges, CustomerDetails } from '../../../domain/customer';
import { NotFoundError, ValidationError } from '../../../domain/shared/errors';
import type { CreatePelangganBody, UpdatePelangganBody } from './input';

/**
 * Document 002's pelanggan fields ↔ the canonical Customer (DESIGN.md §5): nama → fullName,
 * no_telp → phone, no_ktp → nationalId, alamat / alamat_2 / blok / unit → address.line / line2 /
 * block / unit, id_brand → brand, tanggal_instalasi → installationDate.
 */
export function detailsOf(body: CreatePelangganBody): CustomerDetails {
  return {
    fullName: body.nama,
    phone: body.no_telp,
    email: body.email,
    nationalId: body.no_ktp,
    address: { line: body.alamat, line2: body.alamat_2 ?? null, block: body.blok ?? null, unit: body.unit ?? null, city: null, province: null, postalCode: null, country: null },
    coordinates: null,
    serviceArea: null,
    servicePackage: null,
    brand: body.id_brand,
    installationDate: body.tanggal_instalasi ?? null,
    customerType: null,
  };
}

export function changesOf(body: UpdatePelangganBody): CustomerChanges {
  const c: CustomerChanges = {};
  if (body.nama !== undefined) c.fullName = body.nama;
  if (body.no_telp !== undefined) c.phone = body.no_telp;
  if (body.email !== undefined) c.email = body.email;
  if (body.no_ktp !== undefined) c.nationalId = body.no_ktp;
  if (body.id_brand !== undefined) c.brand = body.id_brand;
  if (body.tanggal_instalasi !== undefined) c.installationDate = body.tanggal_instalasi;
  const address: Partial<CustomerDetails['address']> = {};
  if (body.alamat !== undefined) address.line = body.alamat;
  if (body.alamat_2 !== undefined) address.line2 = body.alamat_2;
  if (body.blok !== undefined) address.block = body.blok;
  if (body.unit !== undefined) address.unit = body.unit;
  if (Object.keys(address).length) c.address = address;
  return c;
}

/** The brand must exist: an unknown one is a field error of the body. */
export async function requireBrand(deps: BillingCommandDeps, brandId: string): Promise<void> {
  try {
    await loadBrand(deps, brandId);
  } catch (err) {
    if (err instanceof NotFoundError) throw new ValidationError({ id_brand: [`The id brand ${brandId} names no brand.`] });
    throw err;
  }
}

import type { ReadStore } from '../../ports/read-store';
import { PORTAL_ACCOUNTS, type PortalAccountDoc } from './projector';

export function getPortalAccount(readStore: ReadStore, portalAccountId: string): Promise<PortalAccountDoc | null> {
  return readStore.collection<PortalAccountDoc>(PORTAL_ACCOUNTS).findOne({ _id: portalAccountId });
}

/** The portal account of a customer, or null (the admin's customer views show its Portal ID). */
export function getPortalAccountOfCustomer(readStore: ReadStore, customerId: string): Promise<PortalAccountDoc | null> {
  return readStore.collection<PortalAccountDoc>(PORTAL_ACCOUNTS).findOne({ customer_id: customerId });
}

/** The portal accounts of several customers (a page of the admin's customer list), in one read. */
export function getPortalAccountsOfCustomers(readStore: ReadStore, customerIds: readonly string[]): Promise<PortalAccountDoc[]> {
  return customerIds.length
    ? readStore.collection<PortalAccountDoc>(PORTAL_ACCOUNTS).find({ customer_id: { $in: [...new Set(customerIds)] } })
    : Promise.resolve([]);
}

export function findPortalAccountByPortalId(readStore: ReadStore, portalId: string): Promise<PortalAccountDoc | null> {
  return readStore.collection<PortalAccountDoc>(PORTAL_ACCOUNTS).findOne({ portal_id: portalId.trim().toUpperCase() });
}

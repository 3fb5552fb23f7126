import type { Decider } from '../shared/decider';
import { IllegalStateError, NotFoundError, ValidationError, type FieldErrors } from '../shared/errors';
import {
  CUSTOMER_FIELDS,
  type Address,
  type CustomerDetails,
  type CustomerEvent,
  type CustomerStatus,
} from './events';

export interface CustomerState {
  exists: boolean;
  customerId: string;
  number: number;
  code: string;
  userId: string | null;
  status: CustomerStatus;
  details: CustomerDetails;
  registeredAt: string | null;
  /** Closed (CustomerClosed): gone from every read; nothing more may change. */
  closed: boolean;
}

/** A partial update: top-level fields replace, the address merges part by part. */
export type CustomerChanges = Partial<Omit<CustomerDetails, 'address'>> & { address?: Partial<Address> };

export type CustomerCommand =
  | {
      type: 'RegisterCustomer';
      customerId: string;
      number: number;
      code: string;
      userId: string | null;
      status: CustomerStatus;
      details: CustomerDetails;
      now: string;
    }
  | { type: 'UpdateCustomer'; changes: CustomerChanges; now: string }
  | { type: 'CloseCustomer'; reason: string | null; now: string };

const emptyAddress: Address = {
  line: '',
  line2: null,
  block: null,
  unit: null,
  city: null,
  province: null,
  postalCode: null,
  country: null,
};

const emptyDetails: CustomerDetails = {
  fullName: '',
  phone: '',
  email: null,
  nationalId: null,
  address: emptyAddress,
  coordinates: null,
  serviceArea: null,
  servicePackage: null,
  brand: null,
  installationDate: null,
  customerType: null,
};

export const initialCustomerState = (): CustomerState => ({
  exists: false,
  customerId: '',
  number: 0,
  code: '',
  userId: null,
  status: 'pending',
  details: emptyDetails,
  registeredAt: null,
  closed: false,
});

export function evolveCustomer(state: CustomerState, event: CustomerEvent): CustomerState {
  switch (event.type) {
    case 'CustomerRegistered': {
      const { customerId, number, code, userId, status, registeredAt, ...details } = event.data;
      return { exists: true, customerId, number, code, userId, status, details, registeredAt, closed: false };
    }
    case 'CustomerUpdated':
      return { ...state, details: { ...state.details, ...event.data.changes } };
    case 'CustomerClosed':
      return { ...state, status: 'cancelled', closed: true };
  }
}

/** Invariants every customer's details hold, whichever API wrote them. */
export function checkCustomerDetails(d: CustomerDetails): FieldErrors {
  const errors: FieldErrors = {};
  const add = (field: string, message: string) => (errors[field] ??= []).push(message);
  if (d.fullName.trim() === '') add('fullName', 'The full name may not be empty.');
  if (d.phone.trim() === '') add('phone', 'The phone may not be empty.');
  if (d.address.line.trim() === '') add('address', 'The address may not be empty.');
  if (d.coordinates) {
    const { lat, lng } = d.coordinates;
    if (!Number.isFinite(lat) || lat < -90 || lat > 90) add('coordinates.lat', 'The latitude must be between -90 and 90.');
    if (!Number.isFinite(lng) || lng < -180 || lng > 180) add('coordinates.lng', 'The longitude must be between -180 and 180.');
  }
  if (d.installationDate !== null && !isCalendarDate(d.installationDate)) {
    add('installationDate', 'The installation date must be a date (YYYY-MM-DD).');
  }
  return errors;
}

export function isCalendarDate(s: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (mo < 1 || mo > 12 || d < 1) return false;
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][mo - 1];
  return d <= days;
}

function requireValid(d: CustomerDetails): void {
  const errors = checkCustomerDetails(d);
  if (Object.keys(errors).length > 0) throw new ValidationError(errors);
}

/** Structural equality for the JSON-like values customer fields hold. */
function same(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => same((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

export function decideCustomer(command: CustomerCommand, state: CustomerState): CustomerEvent[] {
  if (command.type === 'RegisterCustomer') {
    if (state.exists) throw new IllegalStateError('Customer already exists');
    requireValid(command.details);
    const { customerId, number, code, userId, status, details, now } = command;
    return [{ type: 'CustomerRegistered', data: { customerId, number, code, userId, status, ...details, registeredAt: now } }];
  }
  if (!state.exists) throw new NotFoundError('Customer', state.customerId);
  if (command.type === 'CloseCustomer') {
    if (state.closed) return [];
    const { customerId, number, userId } = state;
    return [{ type: 'CustomerClosed', data: { customerId, number, userId, reason: command.reason, closedAt: command.now } }];
  }
  // A closed customer no longer exists for the APIs.
  if (state.closed) throw new NotFoundError('Customer', state.customerId);
  const { address: addressChanges, ...rest } = command.changes;
  const next: CustomerDetails = {
    ...state.details,
    ...(Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined)) as Partial<CustomerDetails>),
    address: {
      ...state.details.address,
      ...(Object.fromEntries(Object.entries(addressChanges ?? {}).filter(([, v]) => v !== undefined)) as Partial<Address>),
    },
  };
  const changed = CUSTOMER_FIELDS.filter((f) => !same(next[f], state.details[f]));
  if (changed.length === 0) return [];
  requireValid(next);
  const changes: Partial<CustomerDetails> = {};
  const previous: Partial<CustomerDetails> = {};
  for (const f of changed) {
    (changes as Record<string, unknown>)[f] = next[f];
    (previous as Record<string, unknown>)[f] = state.details[f];
  }
  return [{ type: 'CustomerUpdated', data: { customerId: state.customerId, changes, previous, updatedAt: command.now } }];
}

export const customerDecider: Decider<CustomerState, CustomerCommand, CustomerEvent> = {
  initialState: initialCustomerState,
  evolve: evolveCustomer,
  decide: decideCustomer,
};

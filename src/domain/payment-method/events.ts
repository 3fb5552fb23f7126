import { z } from 'zod';
import { cardSchema } from '../portal-payment/events';
import { defineEvent, type EventOf } from '../shared/events';

/**
 * A customer's saved payment methods (document 004 `payment_methods`), stream
 * `payment_methods-<customerId>`. Only what the gateway gave back is kept: the gateway's token
 * (the method's id; it charges only with this backend's gateway credentials), the card type,
 * brand, last four digits and expiry. Never a card number or a security code.
 */
export const PaymentMethodSaved = defineEvent(
  'PaymentMethodSaved',
  z.object({
    customerId: z.string(),
    /** The gateway's token for the method (pm_…). */
    methodId: z.string(),
    gateway: z.string(),
    ...cardSchema.shape,
    isDefault: z.boolean(),
    savedAt: z.string(),
  }),
);

export const paymentMethodEvents = [PaymentMethodSaved];
export type PaymentMethodEvent = EventOf<typeof PaymentMethodSaved>;

export const paymentMethodsStream = (customerId: string): string => `payment_methods-${customerId}`;

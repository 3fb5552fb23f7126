import { z } from 'zod';
import { defineEvent, type EventOf } from '../shared/events';

/**
 * A brand (document 002 `id_brand`, e.g. JAKINET): the name customers see and the payment
 * gateway its invoices are paid through. Reference data: stream `brand-<ID>`, the id upper-cased.
 * Gateway credentials are stored sealed (SecretBox), never in clear text.
 */

export const PAYMENT_PROVIDERS = ['xendit', 'simulated'] as const;
export type PaymentProvider = (typeof PAYMENT_PROVIDERS)[number];

export const gatewaySettingsSchema = z.object({
  provider: z.enum(PAYMENT_PROVIDERS),
  /** The provider's secret API key, sealed; null: the provider's configured default key. */
  apiKeySealed: z.string().nullable(),
  /** How long a payment link stays valid, in seconds; null: until the invoice's due date. */
  invoiceDurationSeconds: z.number().int().positive().nullable(),
});
export type GatewaySettings = z.infer<typeof gatewaySettingsSchema>;

export const BrandRegistered = defineEvent(
  'BrandRegistered',
  z.object({ brandId: z.string(), name: z.string(), gateway: gatewaySettingsSchema, registeredAt: z.string() }),
);
export const BrandUpdated = defineEvent(
  'BrandUpdated',
  z.object({
    brandId: z.string(),
    changes: z.object({ name: z.string(), gateway: gatewaySettingsSchema }).partial(),
    updatedAt: z.string(),
  }),
);
export const BrandDeleted = defineEvent('BrandDeleted', z.object({ brandId: z.string(), deletedAt: z.string() }));

export const brandEvents = [BrandRegistered, BrandUpdated, BrandDeleted];
export type BrandEvent = EventOf<typeof BrandRegistered> | EventOf<typeof BrandUpdated> | EventOf<typeof BrandDeleted>;

export const normaliseBrandId = (id: string): string => id.trim().toUpperCase();
export const brandStream = (brandId: string): string => `brand-${normaliseBrandId(brandId)}`;

import { z } from 'zod';
import { CUSTOMER_TYPES } from '../../../../domain/customer';
import { temporaryPasswordProblems } from '../../../../domain/portal-account/password-rules';
import { ACCOUNT_STATUSES } from '../../../../projections/dotmac-customers/projector';
import { pageQuery } from '../../envelope';

/** GET /api/v1/identity/customers. */
export const customersQuery = pageQuery.extend({
  customer_type: z.enum(CUSTOMER_TYPES, { error: () => `must be one of: ${CUSTOMER_TYPES.join(', ')}` }).optional(),
  status: z.enum(ACCOUNT_STATUSES, { error: () => `must be one of: ${ACCOUNT_STATUSES.join(', ')}` }).optional(),
  search: z.string().trim().max(100).optional(),
});

const text = (field: string, max = 100) => z.string({ error: `The ${field} is required.` }).trim().min(1, `The ${field} is required.`).max(max);
const optionalText = (max = 100) => z.string().trim().max(max).nullable().optional();

/** POST /api/v1/identity/customers. */
export const createCustomerBody = z
  .object({
    customer_type: z.enum(CUSTOMER_TYPES, { error: () => `The customer type must be one of: ${CUSTOMER_TYPES.join(', ')}.` }),
    first_name: text('first name'),
    last_name: text('last name'),
    email: z.email({ error: 'Invalid email format' }).max(254),
    phone: z.string({ error: 'The phone is required.' }).trim().regex(/^\+?[0-9 ()-]{4,32}$/, 'The phone must be a phone number.'),
    address: z.object({
      street: text('street', 200),
      city: optionalText(),
      state: optionalText(),
      postal_code: optionalText(20),
      country: optionalText(60),
    }),
    service_address: optionalText(300),
    create_portal_account: z.boolean().default(false),
    portal_password: z.string().max(128).optional(),
  })
  .superRefine((b, ctx) => {
    if (b.portal_password === undefined) return;
    if (!b.create_portal_account) ctx.addIssue({ code: 'custom', path: ['portal_password'], message: 'A portal password is only given with create_portal_account.' });
    for (const message of temporaryPasswordProblems(b.portal_password)) ctx.addIssue({ code: 'custom', path: ['portal_password'], message });
  });

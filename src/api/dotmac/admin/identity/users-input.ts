import { z } from 'zod';
import { isTimeZone } from '../../../../domain/shared/local-time';
import { pageQuery, queryBoolean } from '../../envelope';
import { DOTMAC_ROLES } from '../permissions';

/** GET /api/v1/identity/users. */
export const usersQuery = pageQuery.extend({
  role: z.enum(DOTMAC_ROLES, { error: () => `must be one of: ${DOTMAC_ROLES.join(', ')}` }).optional(),
  active: queryBoolean.optional(),
  search: z.string().trim().max(100).optional(),
});

const name = (field: string) => z.string({ error: `The ${field} is required.` }).trim().min(1, `The ${field} is required.`).max(100);

/** POST /api/v1/identity/users. */
export const createUserBody = z.object({
  username: z
    .string({ error: 'The username is required.' })
    .trim()
    .regex(/^[A-Za-z0-9._-]{3,50}$/, 'The username must be 3 to 50 letters, digits, dots, dashes or underscores.'),
  email: z.email({ error: 'Invalid email format' }).max(254),
  password: z.string({ error: 'The password is required.' }).min(8, 'The password must be at least 8 characters.').max(128, 'The password may not be longer than 128 characters.'),
  first_name: name('first name'),
  last_name: name('last name'),
  roles: z
    .array(z.enum(DOTMAC_ROLES, { error: () => `Each role must be one of: ${DOTMAC_ROLES.filter((r) => r !== 'customer').join(', ')}.` }), { error: 'The roles must be a list.' })
    .min(1, 'Give the user one role.')
    .refine((roles) => !roles.includes('customer'), 'Customers are created through /api/v1/identity/customers.'),
  phone: z.string().trim().max(32).regex(/^\+?[0-9 ()-]{4,32}$/, 'The phone must be a phone number.').nullable().optional(),
  timezone: z.string().trim().refine(isTimeZone, 'The timezone must be an IANA time zone, e.g. America/New_York.').nullable().optional(),
});

import { z } from 'zod';

export const loginBody = z.object({
  portal_id: z.string({ error: 'The portal_id field is required.' }).trim().min(1, 'The portal_id field is required.').max(32, 'The portal_id may not be longer than 32 characters.'),
  password: z.string({ error: 'The password field is required.' }).min(1, 'The password field is required.').max(1024),
  two_factor_code: z
    .string()
    .transform((v) => v.replace(/\s+/g, ''))
    .pipe(z.string().max(10, 'The two_factor_code may not be longer than 10 characters.'))
    .nullable()
    .optional()
    .describe('The 6-digit code of the authenticator app, when two-factor authentication is on.'),
  device_fingerprint: z.string().max(256, 'The device_fingerprint may not be longer than 256 characters.').nullable().optional(),
  remember_me: z.boolean({ error: 'The remember_me must be true or false.' }).optional().default(false),
});

export const refreshBody = z.object({
  refresh_token: z.string({ error: 'The refresh_token field is required.' }).min(1, 'The refresh_token field is required.').max(4096),
});

import { z } from 'zod';

/** Request bodies of /api/auth/* (documents 000 and 001). */

export const loginBody = z.object({
  email: z.string().trim().min(1, 'The email field is required.').max(254),
  password: z.string().min(1, 'The password field is required.').max(1024),
  remember_me: z.boolean().optional().describe('Refresh tokens live 30 days with it, one day without.'),
});
export const refreshBody = z.object({ refresh_token: z.string().min(1, 'The refresh token field is required.') });
export const forgotBody = z.object({ email: z.string().trim().min(1, 'The email field is required.').max(254) });
export const resetBody = z
  .object({
    token: z.string().min(1, 'The token field is required.').describe('The token from the reset mail.'),
    password: z.string().min(8, 'The password must be at least 8 characters.').max(1024),
    password_confirmation: z.string().describe('Must equal password.'),
  })
  .refine((b) => b.password === b.password_confirmation, {
    path: ['password_confirmation'],
    message: 'The password confirmation does not match.',
  });

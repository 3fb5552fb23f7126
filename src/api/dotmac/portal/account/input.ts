import { z } from 'zod';
import { THEMES } from '../../../../domain/portal-account';

const isTimeZone = (v: string) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: v });
    return true;
  } catch {
    return false;
  }
};
const isLanguage = (v: string) => {
  try {
    return Intl.getCanonicalLocales(v).length === 1;
  } catch {
    return false;
  }
};

/** A phone number as people write it (+1-555-0123, 0812 3456 7890): 6 to 15 digits. */
export const phoneNumber = z
  .string()
  .trim()
  .regex(/^\+?[0-9][0-9 ().-]{4,24}$/, 'The phone must be a phone number (digits, spaces, dashes, an optional leading +).')
  .refine((v) => {
    const digits = v.replace(/\D/g, '').length;
    return digits >= 6 && digits <= 15;
  }, 'The phone must have 6 to 15 digits.');

export const profileUpdateBody = z
  .object({
    email: z.string().trim().toLowerCase().pipe(z.email('The email must be a valid email address.').max(254)).optional(),
    phone: phoneNumber.optional(),
    email_notifications: z.boolean({ error: 'The email_notifications must be true or false.' }).optional(),
    sms_notifications: z.boolean({ error: 'The sms_notifications must be true or false.' }).optional(),
    theme_preference: z.enum(THEMES, { error: `The theme_preference must be one of ${THEMES.join(', ')}.` }).optional(),
    language_preference: z.string().trim().max(35).refine(isLanguage, 'The language_preference must be a language tag (en, id, en-US).').optional(),
    timezone_preference: z.string().trim().max(64).refine(isTimeZone, 'The timezone_preference must be an IANA time zone (America/New_York).').optional(),
  })
  .strict()
  .refine((b) => Object.values(b).some((v) => v !== undefined), { message: 'Give at least one field to change.', path: ['body'] });

export const changePasswordBody = z
  .object({
    current_password: z.string({ error: 'The current_password field is required.' }).min(1, 'The current_password field is required.').max(1024),
    new_password: z.string({ error: 'The new_password field is required.' }).min(1, 'The new_password field is required.').max(1024),
    confirm_password: z.string({ error: 'The confirm_password field is required.' }).max(1024),
  })
  .refine((b) => b.new_password === b.confirm_password, { path: ['confirm_password'], message: 'The password confirmation does not match.' });

const code = z
  .string({ error: 'The code field is required.' })
  .transform((v) => v.replace(/\s+/g, ''))
  .pipe(z.string().regex(/^\d{6}$/, 'The code must be the 6 digits of the authenticator app.'));

export const enableTwoFactorBody = z.object({ code });

export const disableTwoFactorBody = z
  .object({ code: code.optional(), password: z.string().min(1).max(1024).optional() })
  .refine((b) => b.code !== undefined || b.password !== undefined, { path: ['code'], message: 'Give the code of the authenticator app or the password.' });

/**
 * Password rules of portal accounts (pure). A temporary password, set by staff when the account
 * is created, only needs a sane length: the customer must replace it at the first login. A
 * password the customer chooses must be strong:
 *  - 10 to 128 characters;
 *  - letters and at least one digit or symbol;
 *  - not one character repeated, nor a well-known password;
 *  - not containing the Portal ID or the customer's e-mail name.
 */

export const TEMPORARY_PASSWORD_MIN = 8;
export const PASSWORD_MIN = 10;
export const PASSWORD_MAX = 128;

const COMMON = new Set([
  'password', 'password1', 'password12', 'password123', 'password1234', 'passw0rd', 'p@ssw0rd', 'p@ssword',
  '1234567890', '12345678910', 'qwertyuiop', 'qwerty123', 'qwerty1234', 'iloveyou1', 'letmein123', 'welcome123',
  'welcome1234', 'admin12345', 'changeme123', 'abc1234567', 'monkey1234', 'dragon1234', 'football123', 'sunshine123',
  'trustno1234', 'whatever123', 'princess123', 'superman123', 'baseball123', 'master1234', 'customer123',
]);

export function temporaryPasswordProblems(password: string): string[] {
  if (password.length < TEMPORARY_PASSWORD_MIN) return [`The password must be at least ${TEMPORARY_PASSWORD_MIN} characters.`];
  if (password.length > PASSWORD_MAX) return [`The password may not be longer than ${PASSWORD_MAX} characters.`];
  return [];
}

/** Why `password` is not strong enough for this account (empty: it is). */
export function passwordStrengthProblems(password: string, context: { portalId: string; email?: string | null }): string[] {
  const problems: string[] = [];
  if (password.length < PASSWORD_MIN) problems.push(`The password must be at least ${PASSWORD_MIN} characters.`);
  if (password.length > PASSWORD_MAX) problems.push(`The password may not be longer than ${PASSWORD_MAX} characters.`);
  const hasLetter = /\p{L}/u.test(password);
  const hasOther = /[\p{N}\p{P}\p{S}\s]/u.test(password);
  if (!hasLetter || !hasOther) problems.push('The password must contain letters and at least one digit or symbol.');
  const lower = password.toLowerCase();
  if (password.length > 0 && new Set(lower).size <= 2) problems.push('The password may not be one character repeated.');
  if (COMMON.has(lower)) problems.push('The password is too common.');
  if (context.portalId && lower.includes(context.portalId.toLowerCase())) problems.push('The password may not contain the Portal ID.');
  const name = context.email?.split('@')[0]?.toLowerCase() ?? '';
  if (name.length >= 4 && lower.includes(name)) problems.push('The password may not contain your e-mail name.');
  return problems;
}

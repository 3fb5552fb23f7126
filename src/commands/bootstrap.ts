import { randomBytes } from 'node:crypto';
import { WrongExpectedRevisionError } from '../ports/event-store';
import { DuplicateError } from '../domain/shared/errors';
import { toNewEvents, systemMeta } from './context';
import { lookupUnique } from './reservations';
import { registerUser, type UserCommandDeps } from './users';

export const BOOTSTRAP_STREAM = 'system-bootstrap';

export interface BootstrapResult {
  created: boolean;
  email: string;
  /** Only when the password was generated here: shown once, never stored in clear. */
  generatedPassword?: string;
}

/**
 * On the first start with an empty store, creates the super admin from ADMIN_EMAIL and
 * ADMIN_PASSWORD (or with a generated password), then marks the store as bootstrapped so later
 * starts, and other instances, do nothing.
 */
export async function bootstrapAdmin(
  deps: UserCommandDeps,
  input: { email?: string; password?: string },
): Promise<BootstrapResult> {
  const email = (input.email ?? 'admin@example.com').toLowerCase();
  const [marker] = await deps.eventStore.readStream(BOOTSTRAP_STREAM, { maxCount: 1 });
  if (marker) return { created: false, email: String(marker.data.adminEmail) };
  const meta = systemMeta(deps.ids, 'bootstrap');
  const generatedPassword = input.password ? undefined : randomBytes(12).toString('base64url');
  let adminUserId: string;
  let created = true;
  try {
    adminUserId = (
      await registerUser(
        deps,
        { email, password: input.password ?? generatedPassword!, role: 'super_admin', profile: { full_name: 'Administrator' } },
        meta,
      )
    ).userId;
  } catch (err) {
    // A previous start created the admin and stopped before writing the marker.
    if (!(err instanceof DuplicateError)) throw err;
    adminUserId = (await lookupUnique(deps, 'user_email', email))!;
    created = false;
  }
  try {
    await deps.eventStore.appendToStream(
      BOOTSTRAP_STREAM,
      toNewEvents(deps, meta, [
        { type: 'SystemBootstrapped', data: { adminUserId, adminEmail: email, bootstrappedAt: deps.clock.now().toISOString() } },
      ]),
      { expectedRevision: 'no_stream' },
    );
  } catch (err) {
    if (!(err instanceof WrongExpectedRevisionError)) throw err;
  }
  return created && generatedPassword ? { created, email, generatedPassword } : { created, email };
}

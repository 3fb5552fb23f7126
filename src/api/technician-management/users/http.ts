import { DuplicateError } from '../../../domain/shared/errors';

/** The email is unique across all users, whatever API registered them: 409 DUPLICATE_ENTRY on `email`. */
export async function asDuplicateEmail<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (err) {
    if (err instanceof DuplicateError && err.field === 'user_email') throw new DuplicateError('email', err.value);
    throw err;
  }
}

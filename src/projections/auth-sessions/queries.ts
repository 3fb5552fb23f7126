import type { ReadStore } from '../../ports/read-store';
import { AUTH_SESSIONS, type AuthSessionDoc } from './projector';

export function findSession(readStore: ReadStore, sessionId: string): Promise<AuthSessionDoc | null> {
  return readStore.collection<AuthSessionDoc>(AUTH_SESSIONS).findOne({ _id: sessionId });
}

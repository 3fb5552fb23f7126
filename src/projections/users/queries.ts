import type { ReadStore } from '../../ports/read-store';
import { USERS, type UserDoc } from './projector';

export function findUserById(readStore: ReadStore, userId: string): Promise<UserDoc | null> {
  return readStore.collection<UserDoc>(USERS).findOne({ _id: userId });
}

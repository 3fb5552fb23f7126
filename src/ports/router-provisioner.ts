/**
 * Provisioning on a MikroTik router (PPPoE secrets, PPP profiles, live PPP sessions), as the
 * Mikrotik use cases need it. The adapter (src/adapters/routeros/provisioner.ts) speaks the
 * RouterOS API; tests run it against a stand-in router on loopback.
 *
 * Every failure is a RouterUnavailableError whose message is safe to show and to record (the
 * router's address and its own words, never a credential).
 */

export interface RouterTarget {
  host: string;
  port: number;
  username: string;
  password: string;
  /** API-SSL (usually port 8729). */
  tls: boolean;
}

export interface RouterIdentity {
  /** /system/identity name. */
  identity: string | null;
  /** /system/resource version, e.g. "7.18.2 (stable)". */
  version: string | null;
  boardName: string | null;
}

export interface PppSecret {
  /** RouterOS item id (`*1A`). */
  id: string;
  name: string;
  profile: string | null;
  service: string | null;
  disabled: boolean;
  remoteAddress: string | null;
  comment: string | null;
  /** Only when the API user may read sensitive fields. */
  password: string | null;
}

export interface PppSecretFields {
  password: string;
  profile: string;
  disabled: boolean;
  /** Omitted: left as the router has it. */
  remoteAddress?: string | null;
  comment?: string;
}

export interface RouterSession {
  identify(): Promise<RouterIdentity>;
  findPppSecret(name: string): Promise<PppSecret | null>;
  /** Adds a `pppoe` secret; returns its id. */
  addPppSecret(name: string, fields: PppSecretFields): Promise<string>;
  updatePppSecret(id: string, fields: Partial<PppSecretFields>): Promise<void>;
  /** Creates the PPP profile when the router has none by that name; never changes an existing one. */
  ensurePppProfile(name: string, options?: { rateLimit?: string }): Promise<'created' | 'exists'>;
  /** Disconnects every live PPP session of `name`; returns how many there were. */
  removeActiveSessions(name: string): Promise<number>;
  close(): Promise<void>;
}

export interface RouterProvisioner {
  /** Connects and logs in. */
  open(target: RouterTarget): Promise<RouterSession>;
}

export type RouterFailureKind = 'connection' | 'timeout' | 'login' | 'refused' | 'protocol';

/** The router could not be reached, refused the login, or refused a command. */
export class RouterUnavailableError extends Error {
  constructor(
    readonly kind: RouterFailureKind,
    message: string,
  ) {
    super(message);
    this.name = 'RouterUnavailableError';
  }
}

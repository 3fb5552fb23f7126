/**
 * What can go wrong talking to a router, each with a message safe to show an operator and to
 * record in a sync-failure event (host and port, the router's own words; never a password).
 */
export type RouterOsErrorKind = 'connection' | 'timeout' | 'login' | 'trap' | 'fatal' | 'protocol';

export class RouterOsError extends Error {
  constructor(
    readonly kind: RouterOsErrorKind,
    message: string,
  ) {
    super(message);
    this.name = 'RouterOsError';
  }
}

/** The router answered `!trap`: the command failed (bad value, no such item, permissions ...). */
export class RouterOsTrapError extends RouterOsError {
  constructor(
    readonly command: string,
    readonly routerMessage: string,
    /** RouterOS trap category (0 missing item or command, 1 argument value failure, 2 execution interrupted, 3 scripting, 4 general, 5 API, 6 TTY, 7 :return). */
    readonly category: string | null,
  ) {
    super('trap', `${command} failed: ${routerMessage}`);
    this.name = 'RouterOsTrapError';
  }
}

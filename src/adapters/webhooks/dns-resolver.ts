import { lookup } from 'node:dns/promises';
import type { HostResolver } from '../../ports/webhook-transport';

/** The system resolver (getaddrinfo: hosts file and DNS), every address of a name. */
export function createDnsResolver(): HostResolver {
  return {
    async lookup(hostname) {
      const found = await lookup(hostname, { all: true, verbatim: true });
      return found.map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));
    },
  };
}

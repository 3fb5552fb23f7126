import { BlockList, isIP } from 'node:net';
import type { UrlCheck } from '../../domain/webhook/decider';
import type { HostResolver, WebhookTargetPolicy } from '../../ports/webhook-transport';

/**
 * Where webhooks may not go (server-side request forgery): addresses of this machine and of
 * the networks behind it. A URL is refused when any address its host resolves to is in one of
 * these ranges, unless the host is listed in WEBHOOK_ALLOWED_HOSTS (exact names or addresses,
 * case-insensitive, without port). The transport checks the address it connects to again, so
 * a name that resolves to a public address when saved and to a private one later is still
 * refused. IPv4-mapped IPv6 addresses (::ffff:10.0.0.1) count as their IPv4 address.
 */

type Kind = 'loopback' | 'link-local' | 'private' | 'reserved';

const RANGES: Array<[Kind, string, number, 'ipv4' | 'ipv6']> = [
  ['loopback', '127.0.0.0', 8, 'ipv4'],
  ['loopback', '::1', 128, 'ipv6'],
  ['link-local', '169.254.0.0', 16, 'ipv4'],
  ['link-local', 'fe80::', 10, 'ipv6'],
  ['private', '10.0.0.0', 8, 'ipv4'],
  ['private', '172.16.0.0', 12, 'ipv4'],
  ['private', '192.168.0.0', 16, 'ipv4'],
  ['private', '100.64.0.0', 10, 'ipv4'],
  ['private', 'fc00::', 7, 'ipv6'],
  ['reserved', '0.0.0.0', 8, 'ipv4'],
  ['reserved', '192.0.0.0', 24, 'ipv4'],
  ['reserved', '198.18.0.0', 15, 'ipv4'],
  ['reserved', '224.0.0.0', 4, 'ipv4'],
  ['reserved', '240.0.0.0', 4, 'ipv4'],
  ['reserved', '::', 128, 'ipv6'],
  ['reserved', 'ff00::', 8, 'ipv6'],
];

const LISTS = new Map<Kind, BlockList>();
for (const [kind, net, prefix, type] of RANGES) {
  const list = LISTS.get(kind) ?? new BlockList();
  list.addSubnet(net, prefix, type);
  LISTS.set(kind, list);
}

/** The kind of range an address is in, or null for an address that may be called. */
export function forbiddenKind(address: string): Kind | null {
  const family = isIP(address);
  if (family === 0) return 'reserved';
  const type = family === 4 ? 'ipv4' : 'ipv6';
  for (const [kind, list] of LISTS) if (list.check(address, type)) return kind;
  return null;
}

/** The host of a URL as compared with the allowed list: lower case, IPv6 without brackets. */
export function hostOf(url: URL): string {
  return url.hostname.toLowerCase().replace(/^\[(.*)\]$/, '$1');
}

export function parseAllowedHosts(value: readonly string[]): Set<string> {
  return new Set(value.map((h) => h.trim().toLowerCase().replace(/^\[(.*)\]$/, '$1')).filter(Boolean));
}

export interface AddressPolicyOptions {
  allowedHosts: ReadonlySet<string>;
  resolver: HostResolver;
}

/** The addresses `host` may be reached at, or why it may not be reached at all. */
export async function permittedAddresses(
  host: string,
  options: AddressPolicyOptions,
): Promise<{ ok: true; addresses: Array<{ address: string; family: 4 | 6 }> } | { ok: false; reason: string }> {
  const literal = isIP(host);
  let addresses: Array<{ address: string; family: 4 | 6 }>;
  if (literal) addresses = [{ address: host, family: literal as 4 | 6 }];
  else {
    try {
      addresses = await options.resolver.lookup(host);
    } catch {
      return { ok: false, reason: `The host ${host} does not resolve.` };
    }
    if (addresses.length === 0) return { ok: false, reason: `The host ${host} does not resolve.` };
  }
  if (options.allowedHosts.has(host)) return { ok: true, addresses };
  for (const a of addresses) {
    const kind = forbiddenKind(a.address);
    if (kind) return { ok: false, reason: `The url resolves to a ${kind} address (${a.address}); only hosts in WEBHOOK_ALLOWED_HOSTS may.` };
  }
  return { ok: true, addresses };
}

/**
 * The policy applied when a URL is saved. A host that does not resolve now is accepted (DNS
 * may be down, or the receiver not yet published): every attempt checks again before it connects.
 */
export function createWebhookTargetPolicy(options: AddressPolicyOptions): WebhookTargetPolicy {
  return {
    async check(raw: string): Promise<UrlCheck> {
      let url: URL;
      try {
        url = new URL(raw);
      } catch {
        return { ok: true }; // the decider names the malformed URL
      }
      const result = await permittedAddresses(hostOf(url), options);
      if (result.ok || result.reason.endsWith('does not resolve.')) return { ok: true };
      return { ok: false, reason: result.reason };
    },
  };
}

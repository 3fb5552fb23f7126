import type { HostResolver } from '../../ports/webhook-transport';
import { createWebhookTargetPolicy, forbiddenKind, parseAllowedHosts } from './address-policy';

const resolver = (table: Record<string, string[]>): HostResolver => ({
  async lookup(host) {
    const found = table[host];
    if (!found) throw Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'ENOTFOUND' });
    return found.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  },
});

describe('webhook address policy', () => {
  it('knows loopback, link-local, private and reserved addresses, v4, v6 and v4-mapped', () => {
    expect(forbiddenKind('127.0.0.1')).toBe('loopback');
    expect(forbiddenKind('::1')).toBe('loopback');
    expect(forbiddenKind('::ffff:127.0.0.1')).toBe('loopback');
    expect(forbiddenKind('169.254.169.254')).toBe('link-local');
    expect(forbiddenKind('fe80::1')).toBe('link-local');
    for (const a of ['10.1.2.3', '172.16.0.1', '172.31.255.255', '192.168.1.1', '100.64.0.1', 'fd00::1', '::ffff:10.0.0.1']) expect(forbiddenKind(a)).toBe('private');
    for (const a of ['0.0.0.0', '224.0.0.1', '255.255.255.255', '::']) expect(forbiddenKind(a)).toBe('reserved');
    for (const a of ['93.184.215.14', '172.32.0.1', '8.8.8.8', '2606:4700::1111']) expect(forbiddenKind(a)).toBeNull();
  });

  const table = {
    'hooks.example.com': ['93.184.215.14'],
    'internal.example.com': ['10.0.0.5'],
    'mixed.example.com': ['93.184.215.14', '192.168.0.10'],
    localhost: ['127.0.0.1', '::1'],
  };

  it('refuses a URL any of whose addresses is one of them, saying which', async () => {
    const policy = createWebhookTargetPolicy({ allowedHosts: parseAllowedHosts([]), resolver: resolver(table) });
    expect(await policy.check('https://hooks.example.com/x')).toEqual({ ok: true });
    expect(await policy.check('https://internal.example.com/x')).toEqual({ ok: false, reason: expect.stringContaining('private address (10.0.0.5)') });
    expect(await policy.check('https://mixed.example.com/x')).toEqual({ ok: false, reason: expect.stringContaining('private address (192.168.0.10)') });
    expect(await policy.check('http://localhost:8080/x')).toEqual({ ok: false, reason: expect.stringContaining('loopback') });
    expect(await policy.check('http://169.254.169.254/latest/meta-data')).toEqual({ ok: false, reason: expect.stringContaining('link-local') });
    expect(await policy.check('http://[::1]:9000/x')).toEqual({ ok: false, reason: expect.stringContaining('loopback') });
    // Not resolvable now: accepted; every attempt checks again before connecting.
    expect(await policy.check('https://not-yet.example.com/x')).toEqual({ ok: true });
  });

  it('lets hosts listed in WEBHOOK_ALLOWED_HOSTS through, by name or address, without port', async () => {
    const policy = createWebhookTargetPolicy({ allowedHosts: parseAllowedHosts(['LOCALHOST', '127.0.0.1', '[::1]']), resolver: resolver(table) });
    expect(await policy.check('http://localhost:8080/x')).toEqual({ ok: true });
    expect(await policy.check('http://127.0.0.1:9/x')).toEqual({ ok: true });
    expect(await policy.check('http://[::1]:9/x')).toEqual({ ok: true });
    expect(await policy.check('http://127.0.0.2:9/x')).toEqual({ ok: false, reason: expect.stringContaining('loopback') });
  });
});

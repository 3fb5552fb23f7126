import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { HostResolver } from '../../ports/webhook-transport';
import { WebhookTransportError } from '../../ports/webhook-transport';
import { parseAllowedHosts } from './address-policy';
import { createHttpWebhookTransport } from './http-transport';

/** The webhook transport against a server on loopback: what is sent, no redirects, deadlines, the address policy at connect time. */

const resolver: HostResolver = {
  async lookup(host) {
    if (host === 'receiver.test' || host === 'sneaky.test') return [{ address: '127.0.0.1', family: 4 }];
    throw new Error('ENOTFOUND');
  },
};

let server: Server;
let base: string;
let handler: (req: IncomingMessage, res: ServerResponse, body: string) => void;
const seen: Array<{ method: string; url: string; headers: IncomingMessage['headers']; body: string }> = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      seen.push({ method: req.method!, url: req.url!, headers: req.headers, body });
      handler(req, res, body);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  base = `127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
});
beforeEach(() => {
  seen.length = 0;
  handler = (_req, res) => res.writeHead(204).end();
});

const transport = (allowed: string[]) => createHttpWebhookTransport({ allowedHosts: parseAllowedHosts(allowed), resolver });
const port = () => base.split(':')[1];

it('POSTs the body as JSON with the given headers and hands back the status and Retry-After', async () => {
  handler = (_req, res) => res.writeHead(429, { 'retry-after': '120' }).end('slow down');
  const res = await transport(['127.0.0.1']).post({ url: `http://${base}/hook?x=1`, headers: { 'webhook-id': 'm1' }, body: '{"a":1}', timeoutMs: 2000 });
  expect(res).toEqual({ statusCode: 429, retryAfter: '120' });
  expect(seen[0]).toMatchObject({ method: 'POST', url: '/hook?x=1', body: '{"a":1}' });
  expect(seen[0]!.headers).toMatchObject({ 'content-type': 'application/json', 'webhook-id': 'm1', 'content-length': '7' });
});

it('never follows a redirect', async () => {
  handler = (req, res) => (req.url === '/hook' ? res.writeHead(302, { location: `http://${base}/elsewhere` }).end() : res.writeHead(200).end());
  const res = await transport(['127.0.0.1']).post({ url: `http://${base}/hook`, headers: {}, body: '{}', timeoutMs: 2000 });
  expect(res.statusCode).toBe(302);
  expect(seen.map((s) => s.url)).toEqual(['/hook']);
});

it('gives up at the deadline', async () => {
  handler = () => undefined; // never answers
  await expect(transport(['127.0.0.1']).post({ url: `http://${base}/slow`, headers: {}, body: '{}', timeoutMs: 150 })).rejects.toThrow(new WebhookTransportError('No answer within 150 ms.'));
});

it('refuses to connect to a loopback address unless the host is allowed, checked when connecting (a name resolving to it too)', async () => {
  await expect(transport([]).post({ url: `http://${base}/x`, headers: {}, body: '{}', timeoutMs: 1000 })).rejects.toThrow(/loopback address \(127\.0\.0\.1\)/);
  await expect(transport(['receiver.test']).post({ url: `http://sneaky.test:${port()}/x`, headers: {}, body: '{}', timeoutMs: 1000 })).rejects.toThrow(/loopback address/);
  const ok = await transport(['receiver.test']).post({ url: `http://receiver.test:${port()}/x`, headers: {}, body: '{}', timeoutMs: 1000 });
  expect(ok.statusCode).toBe(204);
  expect(seen).toHaveLength(1);
});

it('reports a refused connection as a transport failure', async () => {
  const closed = createServer();
  await new Promise<void>((r) => closed.listen(0, '127.0.0.1', () => r()));
  const p = (closed.address() as AddressInfo).port;
  await new Promise<void>((r) => closed.close(() => r()));
  await expect(transport(['127.0.0.1']).post({ url: `http://127.0.0.1:${p}/x`, headers: {}, body: '{}', timeoutMs: 1000 })).rejects.toThrow(/ECONNREFUSED/);
});

import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local stand-in of Xendit's Invoice API (`POST /v2/invoices`), started by a test on a free
 * loopback port: it checks HTTP Basic auth against the keys it knows, answers like Xendit (an
 * invoice with `id`, `invoice_url`, `expiry_date`, 401 INVALID_API_KEY, 400 on a bad body), and
 * records every request so the test can see what the adapter sent.
 */
export interface StandInRequest {
  method: string;
  path: string;
  authorization: string | undefined;
  body: Record<string, unknown> | null;
}

export interface XenditStandIn {
  url: string;
  requests: StandInRequest[];
  /** The next answers' status (e.g. 500, 503) instead of a normal answer; null: normal. */
  failWith: number | null;
  stop(): Promise<void>;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export async function startXenditStandIn(keys: readonly string[]): Promise<XenditStandIn> {
  let n = 0;
  const standIn: XenditStandIn = { url: '', requests: [], failWith: null, stop: async () => undefined };
  const server: Server = createServer((req, res) => {
    void (async () => {
      const text = await readBody(req);
      let body: Record<string, unknown> | null = null;
      try {
        body = text ? (JSON.parse(text) as Record<string, unknown>) : null;
      } catch {
        body = null;
      }
      standIn.requests.push({ method: req.method ?? '', path: req.url ?? '', authorization: req.headers.authorization, body });
      const send = (status: number, json: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(json));
      };
      if (req.method !== 'POST' || req.url !== '/v2/invoices') return send(404, { error_code: 'NOT_FOUND', message: 'not found' });
      const auth = /^Basic (.+)$/.exec(req.headers.authorization ?? '');
      const decoded = auth ? Buffer.from(auth[1]!, 'base64').toString('utf8') : '';
      if (!decoded.endsWith(':') || !keys.includes(decoded.slice(0, -1))) return send(401, { error_code: 'INVALID_API_KEY', message: 'API key is not authorized' });
      if (standIn.failWith !== null) return send(standIn.failWith, { error_code: 'SERVER_ERROR', message: 'stand-in failure' });
      if (!body || typeof body.external_id !== 'string' || typeof body.amount !== 'number') {
        return send(400, { error_code: 'API_VALIDATION_ERROR', message: 'external_id and amount are required' });
      }
      n++;
      const id = `65f0${String(n).padStart(20, '0')}`;
      send(200, {
        id,
        external_id: body.external_id,
        user_id: 'standin-user',
        status: 'PENDING',
        merchant_name: 'Stand-in',
        amount: body.amount,
        currency: body.currency ?? 'IDR',
        description: body.description,
        invoice_url: `https://checkout-staging.xendit.co/web/${id}`,
        expiry_date: new Date(Date.parse('2026-01-15T12:00:00.000Z') + Number(body.invoice_duration ?? 86400) * 1000).toISOString(),
      });
    })();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  standIn.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  standIn.stop = () => new Promise<void>((r) => server.close(() => r()));
  return standIn;
}

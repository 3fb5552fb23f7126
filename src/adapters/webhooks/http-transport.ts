import { request as httpRequest, type ClientRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { WebhookTransportError, type WebhookRequest, type WebhookResponse, type WebhookTransport } from '../../ports/webhook-transport';
import { hostOf, permittedAddresses, type AddressPolicyOptions } from './address-policy';

/**
 * One webhook POST over node's HTTP client. The connection goes only to an address the policy
 * allows, checked at connect time (the `lookup` hook) so that what was checked is what is
 * dialled; an IP literal is checked before connecting. Redirects are never followed (node's
 * client does not, and a 3xx is handed back as it is). The whole attempt, answer headers
 * included, must finish within `timeoutMs`; the answer's body is read and thrown away (at most
 * 64 KiB, then the connection is closed). No connection is kept for reuse.
 */
const MAX_DRAIN_BYTES = 64 * 1024;

export function createHttpWebhookTransport(options: AddressPolicyOptions & { userAgent?: string }): WebhookTransport {
  const lookup: LookupFunction = (hostname, lookupOptions, callback) => {
    permittedAddresses(hostname.toLowerCase(), options).then(
      (result) => {
        if (!result.ok) return callback(Object.assign(new Error(result.reason), { code: 'EWEBHOOKADDRESS' }), '', 4);
        const all = (lookupOptions as { all?: boolean }).all;
        const family = (lookupOptions as { family?: number }).family;
        const candidates = family === 4 || family === 6 ? result.addresses.filter((a) => a.family === family) : result.addresses;
        if (candidates.length === 0) return callback(Object.assign(new Error(`The host ${hostname} has no address of that family.`), { code: 'ENOTFOUND' }), '', 4);
        if (all) return (callback as unknown as (e: null, a: typeof candidates) => void)(null, candidates);
        callback(null, candidates[0]!.address, candidates[0]!.family);
      },
      (err: Error) => callback(err, '', 4),
    );
  };

  return {
    async post(req: WebhookRequest): Promise<WebhookResponse> {
      let url: URL;
      try {
        url = new URL(req.url);
      } catch {
        throw new WebhookTransportError('The url is not valid.');
      }
      const host = hostOf(url);
      if (isIP(host)) {
        const allowed = await permittedAddresses(host, options);
        if (!allowed.ok) throw new WebhookTransportError(allowed.reason);
      }
      const send = url.protocol === 'https:' ? httpsRequest : url.protocol === 'http:' ? httpRequest : null;
      if (!send) throw new WebhookTransportError('The url must use http or https.');
      const body = Buffer.from(req.body, 'utf8');
      return new Promise<WebhookResponse>((resolve, reject) => {
        let settled = false;
        const fail = (message: string) => {
          if (settled) return;
          settled = true;
          clearTimeout(deadline);
          reject(new WebhookTransportError(message));
        };
        const client: ClientRequest = send(
          url,
          {
            method: 'POST',
            agent: false,
            lookup,
            headers: {
              'content-type': 'application/json',
              'content-length': String(body.length),
              'user-agent': options.userAgent ?? 'isp-ops-webhooks/1',
              ...req.headers,
            },
          },
          (res: IncomingMessage) => {
            let drained = 0;
            res.on('data', (chunk: Buffer) => {
              drained += chunk.length;
              if (drained > MAX_DRAIN_BYTES) res.destroy();
            });
            res.on('error', () => undefined);
            if (settled) return void res.destroy();
            settled = true;
            clearTimeout(deadline);
            const retryAfter = res.headers['retry-after'];
            resolve({ statusCode: res.statusCode ?? 0, retryAfter: typeof retryAfter === 'string' ? retryAfter : null });
            res.on('end', () => client.destroy());
          },
        );
        const deadline = setTimeout(() => {
          fail(`No answer within ${req.timeoutMs} ms.`);
          client.destroy();
        }, req.timeoutMs);
        client.on('error', (err: NodeJS.ErrnoException) => {
          fail(err.code === 'EWEBHOOKADDRESS' ? err.message : `${err.code ?? 'ERROR'}: ${err.message}`);
        });
        client.end(body);
      });
    },
  };
}

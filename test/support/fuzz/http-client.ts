import { Agent, request } from 'node:http';

/**
 * The fuzz suite's HTTP client: node:http with a kept-alive agent, so a request goes out byte for
 * byte as planned (raw path with its percent-escapes, any header, any body) and the answer comes
 * back whole, or as "no answer" when the server reset or never answered.
 */

export interface WireRequest {
  method: string;
  /** Raw request target: path and query exactly as they go on the wire. */
  target: string;
  headers: Record<string, string>;
  body?: Buffer;
}

export type WireResponse =
  | { kind: 'answer'; status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }
  | { kind: 'no-answer'; error: string };

export class FuzzHttpClient {
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 8 });
  private readonly host: string;
  private readonly port: number;

  constructor(
    baseUrl: string,
    private readonly timeoutMs = 15_000,
  ) {
    const url = new URL(baseUrl);
    this.host = url.hostname;
    this.port = Number(url.port);
  }

  send(req: WireRequest): Promise<WireResponse> {
    return new Promise((resolve) => {
      let settled = false;
      const done = (r: WireResponse) => {
        if (settled) return;
        settled = true;
        resolve(r);
      };
      let outgoing;
      try {
        outgoing = request({
          host: this.host,
          port: this.port,
          method: req.method,
          path: req.target,
          headers: { ...req.headers, ...(req.body ? { 'content-length': String(req.body.length) } : {}) },
          agent: this.agent,
        });
      } catch (err) {
        // The plan itself is not sendable by an HTTP client (an arbitrary is too wide): say so.
        return done({ kind: 'no-answer', error: `client refused the request: ${(err as Error).message}` });
      }
      const timer = setTimeout(() => {
        outgoing.destroy(new Error(`no answer within ${this.timeoutMs} ms`));
      }, this.timeoutMs);
      outgoing.on('response', (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          clearTimeout(timer);
          done({ kind: 'answer', status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) });
        });
        res.on('error', (err) => {
          clearTimeout(timer);
          done({ kind: 'no-answer', error: `answer cut off: ${err.message}` });
        });
      });
      outgoing.on('error', (err) => {
        clearTimeout(timer);
        done({ kind: 'no-answer', error: err.message });
      });
      outgoing.end(req.body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

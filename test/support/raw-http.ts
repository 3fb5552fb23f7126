import { connect, type Socket } from 'node:net';

/**
 * HTTP/1.1 over a bare TCP socket, for what fetch and supertest cannot do: a body that lies about
 * its length or never ends, headers sent slowly or never finished, a client that hangs up in the
 * middle of an upload.
 */

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** The first response on a socket, from everything read until the server closed it. */
export function parseResponse(raw: Buffer): RawResponse | null {
  const text = raw.toString('latin1');
  const end = text.indexOf('\r\n\r\n');
  if (end < 0) return null;
  const [statusLine, ...lines] = text.slice(0, end).split('\r\n');
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine ?? '')?.[1]);
  if (!status) return null;
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  let body = raw.subarray(Buffer.byteLength(text.slice(0, end + 4), 'latin1'));
  if (headers['transfer-encoding'] === 'chunked') body = dechunk(body);
  else if (headers['content-length']) body = body.subarray(0, Number(headers['content-length']));
  return { status, headers, body: body.toString('utf8') };
}

function dechunk(data: Buffer): Buffer {
  const out: Buffer[] = [];
  let at = 0;
  for (;;) {
    const nl = data.indexOf('\r\n', at);
    if (nl < 0) break;
    const size = parseInt(data.subarray(at, nl).toString('latin1'), 16);
    if (!size) break;
    out.push(data.subarray(nl + 2, nl + 2 + size));
    at = nl + 2 + size + 2;
  }
  return Buffer.concat(out);
}

export interface RawConnection {
  socket: Socket;
  write(data: string | Buffer): Promise<void>;
  /** Everything the server sent until it closed the connection (or `timeoutMs` passed: rejects). */
  closed(timeoutMs?: number): Promise<Buffer>;
  /** The first complete response, read until the server closes or the body is complete. */
  response(timeoutMs?: number): Promise<RawResponse>;
  /** Hang up without a goodbye (TCP RST where possible), as a client that lost its network. */
  hangUp(): void;
}

export async function openRaw(url: string): Promise<RawConnection> {
  const { hostname, port } = new URL(url);
  const socket = connect({ host: hostname, port: Number(port) });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  const chunks: Buffer[] = [];
  socket.on('data', (c: Buffer) => chunks.push(c));
  socket.on('error', () => undefined); // a reset by the server is an expected outcome here
  const ended = new Promise<Buffer>((resolve) => socket.once('close', () => resolve(Buffer.concat(chunks))));
  const within = <T>(p: Promise<T>, ms: number, what: string) =>
    new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${what} within ${ms} ms`)), ms);
      p.then(
        (v) => {
          clearTimeout(timer);
          resolve(v);
        },
        (e: unknown) => {
          clearTimeout(timer);
          reject(e);
        },
      );
    });
  return {
    socket,
    write: (data) =>
      new Promise<void>((resolve, reject) => {
        socket.write(data, (err) => (err ? reject(err) : resolve()));
      }),
    closed: (timeoutMs = 10_000) => within(ended, timeoutMs, 'the server did not close the connection'),
    response: (timeoutMs = 10_000) =>
      within(
        new Promise<RawResponse>((resolve) => {
          const check = () => {
            const parsed = parseResponse(Buffer.concat(chunks));
            const length = parsed?.headers['content-length'];
            if (parsed && length !== undefined && Buffer.byteLength(parsed.body) >= Number(length)) {
              socket.off('data', check);
              resolve(parsed);
            }
          };
          socket.on('data', check);
          check();
          ended.then((all) => {
            const parsed = parseResponse(all);
            if (parsed) resolve(parsed);
          });
        }),
        timeoutMs,
        'no complete response',
      ),
    hangUp: () => socket.resetAndDestroy(),
  };
}

/** A multipart/form-data body builder that can leave things out on purpose. */
export function multipartPart(boundary: string, field: string, filename: string, contentType: string, content: Buffer): Buffer {
  return Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${field}"; filename="${filename}"\r\nContent-Type: ${contentType}\r\n\r\n`),
    content,
    Buffer.from('\r\n'),
  ]);
}

export function multipartField(boundary: string, name: string, value: string): Buffer {
  return Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`);
}

export const multipartEnd = (boundary: string): Buffer => Buffer.from(`--${boundary}--\r\n`);

/** PNG signature and an IHDR start, then `size` bytes in all. */
export function pngBytes(size: number): Buffer {
  const head = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
  const out = Buffer.alloc(Math.max(size, head.length), 7);
  head.copy(out);
  return out;
}

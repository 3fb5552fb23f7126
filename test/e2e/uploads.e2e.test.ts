import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { multipartEnd, multipartField, multipartPart, openRaw, pngBytes } from '../support/raw-http';
import { startServer, waitUntilHealthy, type ServerProcess } from '../support/server-process';

/**
 * Hostile uploads against the real server process (issue 11): a multipart body that is cut off,
 * has no boundary, has a broken part header or is too large answers 4xx in the document's format
 * and keeps nothing; a client that hangs up mid-upload gets nothing and leaves no partial file;
 * the process goes on answering throughout.
 */

const MAX = 4096;
const BOUNDARY = 'XX';

/** Every file under DATA_DIR/files (stored files, their sidecars and half-written .tmp files). */
function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name));
}

async function until(what: string, check: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

interface UploadRoute {
  path: string;
  field: string;
  /** The document's error body for a status and code. */
  expectError(body: Record<string, any>, status: number): void;
  fields: Array<[string, string]>;
}

const ROUTES: UploadRoute[] = [
  {
    path: '/api/services',
    field: 'photo',
    fields: [
      ['device_type', 'Laptop'],
      ['serial_number', 'SN-1'],
      ['service_type', 'Hardware'],
      ['description', 'Broken'],
    ],
    // Document 001: { message } and, for validation, { errors: { field: [..] } }.
    expectError: (body, status) => {
      expect(typeof body.message).toBe('string');
      if (status === 422) expect(body.errors).toEqual(expect.any(Object));
      else expect(body).toEqual({ message: expect.any(String) });
    },
  },
  {
    path: '/api/mobile/upload',
    field: 'file',
    fields: [['type', 'photo']],
    // Document 000: { success: false, error: { code, message, details } }.
    expectError: (body, status) => {
      expect(body.success).toBe(false);
      expect(body.error.code).toBe(status === 400 ? 'BAD_REQUEST' : 'VALIDATION_ERROR');
    },
  },
];

describe('uploads on the real server: broken, oversize and abandoned multipart bodies', () => {
  let server: ServerProcess;
  let dataDir: string;
  let token: string;
  const filesDir = () => join(dataDir, 'files');

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'isp-uploads-e2e-'));
    server = await startServer({
      DATA_DIR: dataDir,
      ADMIN_EMAIL: 'root@example.com',
      ADMIN_PASSWORD: 'root-password-123',
      UPLOAD_MAX_BYTES: String(MAX),
    });
    await waitUntilHealthy(server.url);
    const res = await fetch(`${server.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'root@example.com', password: 'root-password-123' }),
    });
    token = ((await res.json()) as { token: string }).token;
  });
  afterAll(async () => {
    await server?.stop('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });
  afterEach(async () => {
    // The process is still there and answering, and nothing of a refused upload was kept.
    expect(server.proc.exitCode).toBeNull();
    expect((await fetch(`${server.url}/health`)).status).toBe(200);
    expect(filesUnder(filesDir())).toEqual([]);
    expect(server.logs.filter((l) => l.msg === 'unhandled error')).toEqual([]);
  });

  const post = (path: string, contentType: string, body: Buffer) =>
    fetch(`${server.url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': contentType }, body });
  const fieldsOf = (route: UploadRoute) => Buffer.concat(route.fields.map(([k, v]) => multipartField(BOUNDARY, k, v)));

  describe.each(ROUTES)('POST $path', (route) => {
    it('answers 400 to a body that opens the file part and never closes the boundary (the issue 11 crash)', async () => {
      const body = Buffer.concat([fieldsOf(route), multipartPart(BOUNDARY, route.field, 'a.png', 'image/png', pngBytes(300)).subarray(0, -2)]);
      const res = await post(route.path, `multipart/form-data; boundary=${BOUNDARY}`, body);
      expect(res.status).toBe(400);
      route.expectError((await res.json()) as Record<string, any>, 400);
    });

    it('answers 400 to a cut-off body whose file part is still shorter than the bytes the type is read from', async () => {
      const part = multipartPart(BOUNDARY, route.field, 'a.png', 'image/png', pngBytes(16));
      const res = await post(route.path, `multipart/form-data; boundary=${BOUNDARY}`, part.subarray(0, part.length - 14));
      expect(res.status).toBe(400);
      route.expectError((await res.json()) as Record<string, any>, 400);
    });

    it('answers 400 to a multipart Content-Type without a boundary', async () => {
      const res = await post(route.path, 'multipart/form-data', Buffer.from('whatever'));
      expect(res.status).toBe(400);
      route.expectError((await res.json()) as Record<string, any>, 400);
    });

    it('answers 400 to a malformed part header', async () => {
      const body = Buffer.from(`--${BOUNDARY}\r\nContent-Disposition form-data no colon\r\n\r\nx\r\n--${BOUNDARY}--\r\n`);
      const res = await post(route.path, `multipart/form-data; boundary=${BOUNDARY}`, body);
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      route.expectError((await res.json()) as Record<string, any>, res.status);
    });

    it('answers 422 to a file over the size limit and keeps none of it', async () => {
      const body = Buffer.concat([
        fieldsOf(route),
        multipartPart(BOUNDARY, route.field, 'big.png', 'image/png', pngBytes(MAX * 4)),
        multipartEnd(BOUNDARY),
      ]);
      const res = await post(route.path, `multipart/form-data; boundary=${BOUNDARY}`, body);
      expect(res.status).toBe(422);
      route.expectError((await res.json()) as Record<string, any>, 422);
    });

    it('answers 422 to a file of a type it does not accept, whatever Content-Type the part claims', async () => {
      const body = Buffer.concat([
        fieldsOf(route),
        multipartPart(BOUNDARY, route.field, 'a.png', 'image/png', Buffer.from('#!/bin/sh\necho not an image\n')),
        multipartEnd(BOUNDARY),
      ]);
      const res = await post(route.path, `multipart/form-data; boundary=${BOUNDARY}`, body);
      expect(res.status).toBe(422);
      route.expectError((await res.json()) as Record<string, any>, 422);
    });

    it('answers 422 to a second file and keeps neither', async () => {
      const body = Buffer.concat([
        fieldsOf(route),
        multipartPart(BOUNDARY, route.field, 'a.png', 'image/png', pngBytes(100)),
        multipartPart(BOUNDARY, route.field, 'b.png', 'image/png', pngBytes(100)),
        multipartEnd(BOUNDARY),
      ]);
      const res = await post(route.path, `multipart/form-data; boundary=${BOUNDARY}`, body);
      expect(res.status).toBe(422);
      route.expectError((await res.json()) as Record<string, any>, 422);
    });

    it('keeps no file when the request is refused after the upload (a malformed Idempotency-Key)', async () => {
      const body = Buffer.concat([fieldsOf(route), multipartPart(BOUNDARY, route.field, 'a.png', 'image/png', pngBytes(200)), multipartEnd(BOUNDARY)]);
      const res = await fetch(`${server.url}${route.path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': `multipart/form-data; boundary=${BOUNDARY}`, 'idempotency-key': 'bad key with spaces' },
        body,
      });
      expect(res.status).toBe(422);
      // The file is deleted once the answer is finished; the afterEach check waits for nothing, so wait here.
      await until('the refused upload is deleted', () => filesUnder(filesDir()).length === 0);
    });

    it('answers nothing and keeps nothing when the client hangs up in the middle of the file (raw socket)', async () => {
      const conn = await openRaw(server.url);
      const head = Buffer.concat([fieldsOf(route), multipartPart(BOUNDARY, route.field, 'a.png', 'image/png', pngBytes(MAX - 100)).subarray(0, 2000)]);
      await conn.write(
        `POST ${route.path} HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer ${token}\r\n` +
          `Content-Type: multipart/form-data; boundary=${BOUNDARY}\r\nContent-Length: ${head.length + 100_000}\r\n\r\n`,
      );
      await conn.write(head);
      // The file store has started writing the file (a .tmp file exists) when the client vanishes.
      await until('the upload reaches the file store', () => filesUnder(filesDir()).some((f) => f.endsWith('.tmp')));
      conn.hangUp();
      const received = await conn.closed();
      expect(received.length).toBe(0);
      await until('the half-written file is deleted', () => filesUnder(filesDir()).length === 0);
    });

    it('still stores a well-formed upload (and the file is there until the answer)', async () => {
      const body = Buffer.concat([fieldsOf(route), multipartPart(BOUNDARY, route.field, 'ok.png', 'image/png', pngBytes(500)), multipartEnd(BOUNDARY)]);
      const res = await post(route.path, `multipart/form-data; boundary=${BOUNDARY}`, body);
      expect(res.status).toBe(201);
      const stored = filesUnder(filesDir());
      expect(stored.filter((f) => !f.endsWith('.json'))).toHaveLength(1);
      // Clean up for the next test's "nothing kept" check.
      rmSync(filesDir(), { recursive: true, force: true });
    });
  });
});

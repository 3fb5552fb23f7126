import { createHash } from 'node:crypto';
import type { RequestHandler, Response } from 'express';
import { canonicalJson } from '../../ports/hash-chain';
import type { FileStore } from '../../ports/file-store';
import type { Logger } from '../../ports/logger';
import type { IdempotencyKeys } from '../../commands/idempotency';
import { ValidationError } from '../../domain/shared/errors';
import { metaFor } from './context';
import { watchJsonText } from './json-text';

const KEY = /^[\x21-\x7e]{1,255}$/;
const REPLAYED_HEADERS = ['etag', 'location'];

/**
 * `Idempotency-Key` on POST: the same key and body get the first answer again (marked with
 * `Idempotency-Replayed: true`) and nothing is appended; the same key with another body is a
 * 422. Keys are scoped to the caller and the route. Mount after body parsing (JSON or multipart);
 * an uploaded file counts as part of the body by its hash.
 */
export function idempotent(deps: { keys: IdempotencyKeys; fileStore: FileStore; logger: Logger }): RequestHandler {
  return async (req, res, next) => {
    const key = req.get('idempotency-key');
    if (key === undefined) return next();
    if (!KEY.test(key)) {
      throw new ValidationError({ 'Idempotency-Key': ['The Idempotency-Key header must be 1 to 255 visible ASCII characters.'] });
    }
    const caller = req.auth?.userId ?? (req.portal ? `portal:${req.portal.portalAccountId}` : 'anonymous');
    const scope = `${caller} ${req.method} ${req.baseUrl}${req.path}`;
    const file = req.storedFile ? { sha256: req.storedFile.sha256, size: req.storedFile.size, name: req.storedFile.filename } : null;
    const requestHash = createHash('sha256').update(canonicalJson({ body: req.body ?? null, file })).digest('hex');
    const meta = metaFor(req);
    const begin = await deps.keys.begin(scope, key, requestHash, meta);
    if (begin.kind === 'replay') {
      // The first request stored its own copy of the file; this one is not needed.
      if (req.storedFile) await deps.fileStore.delete(req.storedFile.id);
      for (const [name, value] of Object.entries(begin.response.headers)) res.setHeader(name, value);
      res.setHeader('Idempotency-Replayed', 'true');
      res.status(begin.response.status).json(begin.response.body);
      return;
    }
    captureAnswer(res, (status, body) => {
      if (status >= 500) return deps.keys.abandon(begin, `status ${status}`, meta);
      const headers: Record<string, string> = {};
      for (const name of REPLAYED_HEADERS) {
        const v = res.getHeader(name);
        if (typeof v === 'string') headers[name] = v;
      }
      return deps.keys.complete(begin, { status, body, headers }, meta);
    }, deps.logger);
    res.on('close', () => {
      if (!res.headersSent || !(res as unknown as { idempotencySettled?: boolean }).idempotencySettled) {
        deps.keys.abandon(begin, 'request ended without an answer', meta).catch(() => undefined);
      }
    });
    next();
  };
}

/**
 * Records the JSON answer before it is sent, so a crash cannot leave an answered but unrecorded
 * key: answers sent with res.json, and those sent as made JSON text (json-text.ts).
 */
function captureAnswer(res: Response, record: (status: number, body: unknown) => Promise<void>, logger: Logger): void {
  const settle = (status: number, body: () => unknown, send: () => void) => {
    (res as unknown as { idempotencySettled?: boolean }).idempotencySettled = true;
    record(status, body()).then(send, (err: unknown) => {
      logger.error({ err: err instanceof Error ? err.message : String(err) }, 'could not record idempotent answer');
      send();
    });
  };
  const sendJson = res.json.bind(res);
  res.json = (body: unknown) => {
    settle(res.statusCode, () => body, () => sendJson(body));
    return res;
  };
  watchJsonText(res, (status, text, send) => settle(status, () => JSON.parse(text.toString()), send));
}

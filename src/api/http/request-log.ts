import type { RequestHandler } from 'express';
import type { IdGenerator } from '../../ports/clock';
import type { Logger } from '../../ports/logger';

const SAFE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Gives every request an id (X-Request-Id from the client when it is sane, else a new one),
 * echoes it, and logs one line when the response is finished: id, method, path, status,
 * duration, user. Query strings and bodies are never logged (they can hold tokens).
 */
export function requestLog(logger: Logger, ids: IdGenerator): RequestHandler {
  return (req, res, next) => {
    const given = req.get('x-request-id');
    const requestId = given && SAFE_ID.test(given) ? given : ids.uuid();
    const correlation = req.get('x-correlation-id');
    req.ctx = {
      requestId,
      correlationId: correlation && SAFE_ID.test(correlation) ? correlation : requestId,
      startedAt: process.hrtime.bigint(),
    };
    res.setHeader('X-Request-Id', requestId);
    res.on('finish', () => {
      const durationMs = Number(process.hrtime.bigint() - req.ctx.startedAt) / 1e6;
      const line = {
        reqId: requestId,
        method: req.method,
        path: req.originalUrl.split('?')[0],
        status: res.statusCode,
        durationMs: Math.round(durationMs * 100) / 100,
        userId: req.auth?.userId,
      };
      if (res.statusCode >= 500) logger.error(line, 'request');
      else logger.info(line, 'request');
    });
    next();
  };
}

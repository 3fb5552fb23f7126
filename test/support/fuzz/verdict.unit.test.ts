import type { WireRequest, WireResponse } from './http-client';
import { verdict } from './verdict';

const req: WireRequest = { method: 'POST', target: '/api/tickets/x/comments', headers: { 'content-type': 'application/json' }, body: Buffer.from('{"comment":"hi"}') };
const answer = (status: number, body: string, contentType: string | undefined = 'application/json; charset=utf-8'): WireResponse => ({
  kind: 'answer',
  status,
  headers: contentType ? { 'content-type': contentType } : {},
  body: Buffer.from(body),
});

describe('the fuzz verdict on one answer', () => {
  it('accepts a 4xx in JSON and a 2xx of any type', () => {
    expect(verdict(req, answer(422, '{"message":"Validation failed"}'), 16_384)).toBeNull();
    expect(verdict(req, answer(200, '%PDF-1.7', 'application/pdf'), 16_384)).toBeNull();
  });

  it('refuses a 5xx, even a well-formed one', () => {
    expect(verdict(req, answer(500, '{"message":"An unexpected error occurred"}'), 16_384)).toMatch(/^answered 500/);
    expect(verdict(req, answer(503, '{}'), 16_384)).toMatch(/^answered 503/);
  });

  it('refuses an answer that shows a stack frame, an exception name, a driver error or a source path', () => {
    for (const leak of [
      'TypeError: Cannot read properties of undefined',
      '    at Object.handler (/work/main/src/api/x.ts:10:5)',
      'SqliteError: SQLITE_CONSTRAINT',
      'E11000 duplicate key',
      'Unexpected end of form',
      'see /app/dist/src/main.js',
    ]) {
      expect(verdict(req, answer(400, JSON.stringify({ message: leak })), 16_384)).toMatch(/shows/);
    }
  });

  it('does not take a validation message followed by a timestamp for a stack frame', () => {
    const body = { success: false, error: { code: 'VALIDATION_ERROR', details: { issue: 'limit must be at least 1' } }, timestamp: '2026-12-06T10:07:37Z' };
    expect(verdict(req, answer(422, JSON.stringify(body)), 16_384)).toBeNull();
    for (const frame of ['at node:internal/process/task_queues:95:5', 'at /app/server.mjs:3:1', 'at handle (file:///app/x.mjs:1:2)']) {
      expect(verdict(req, answer(400, JSON.stringify({ message: frame })), 16_384)).toMatch(/shows/);
    }
  });

  it('does not hold against the answer what the request itself sent', () => {
    const echoing = { ...req, body: Buffer.from('{"comment":"TypeError"}') };
    expect(verdict(echoing, answer(201, '{"comment":"TypeError"}'), 16_384)).toBeNull();
  });

  it('refuses an error that is not JSON, and no answer at all', () => {
    expect(verdict(req, answer(404, '<html>Cannot POST</html>', 'text/html'), 16_384)).toMatch(/not JSON/);
    expect(verdict(req, { kind: 'no-answer', error: 'socket hang up' }, 16_384)).toMatch(/no answer/);
  });

  it("accepts Node's own refusal of a request it cannot parse (non-ASCII target, head over the limit)", () => {
    const raw = { ...req, target: '/api/x?q=\u00e9' };
    expect(verdict(raw, answer(400, '', undefined), 16_384)).toBeNull();
    expect(verdict(raw, { kind: 'no-answer', error: 'read ECONNRESET' }, 16_384)).toBeNull();
    const long = { ...req, target: `/api/x?q=${'a'.repeat(20_000)}` };
    expect(verdict(long, { kind: 'no-answer', error: 'write ECONNRESET' }, 16_384)).toBeNull();
  });
});
